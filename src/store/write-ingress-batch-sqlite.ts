import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { firstOfEachKey } from './first-of-each-key';
import type { BatchWriter } from './group-commit';
import type { IngressResult, IngressRow } from './ingress-row';
import { prepareEnqueueJobSqlite } from './prepare-enqueue-job-sqlite';
import type { Database } from './schema';

type Statements = ReturnType<typeof prepare>;

/**
 * writeIngressBatch for SQLite, the webhook's hot path: the same rows, written with statements prepared once and run
 * synchronously on the raw handle inside the group commit's transaction (`sqliteIn`), a row at a time. Through the
 * query builder, building and running the batch's statements cost more CPU than SQLite's own work for them.
 *
 * A job's head mark (outbox `is_head`, migration 0014) is written with the job (prepareEnqueueJobSqlite).
 */
export function writeIngressBatchSqlite(
  sqliteIn: (trx: Kysely<Database>) => BetterSqlite3.Database,
  now: () => number = Date.now,
): BatchWriter<IngressRow, IngressResult> {
  let statements: Statements | undefined;
  return async (trx, rows) => {
    statements ??= prepare(sqliteIn(trx));
    const { insertHook, enqueueJob } = statements;
    const firsts = firstOfEachKey(rows);
    const at = now();
    const inserted = new Set<number>();
    for (const i of firsts) {
      const { event, job } = rows[i] as IngressRow;
      const hook = insertHook.run(event.dedupeKey, event.linkId ?? null, event.kind, event.payload, event.receivedAt);
      if (hook.changes === 0) continue;
      inserted.add(i);
      if (job === undefined) continue;
      enqueueJob(job, at);
    }
    return rows.map((_, i) => (inserted.has(i) ? 'new' : 'duplicate'));
  };
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    insertHook: sqlite.prepare(
      `insert into inbox (dedupe_key, link_id, kind, payload, received_at) values (?, ?, ?, ?, ?)
         on conflict (dedupe_key) do nothing`,
    ),
    enqueueJob: prepareEnqueueJobSqlite(sqlite),
  };
}
