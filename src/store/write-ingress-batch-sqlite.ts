import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { firstOfEachKey } from './first-of-each-key';
import type { BatchWriter } from './group-commit';
import type { IngressResult, IngressRow } from './ingress-row';
import type { Database } from './schema';

type Statements = ReturnType<typeof prepare>;

/**
 * writeIngressBatch for SQLite, the webhook's hot path: the same rows, written with statements prepared once and run
 * synchronously on the raw handle inside the group commit's transaction (`sqliteIn`), a row at a time. Through the
 * query builder, building and running the batch's statements cost more CPU than SQLite's own work for them.
 *
 * A job's head mark (outbox `is_head`, migration 0014) is written with the job: SQLite has one writer, and every
 * live job of the key is older than the one being inserted, so "no live job of its key yet" is exact here, and a
 * second job of the same key later in the batch sees the first.
 */
export function writeIngressBatchSqlite(
  sqliteIn: (trx: Kysely<Database>) => BetterSqlite3.Database,
  now: () => number = Date.now,
): BatchWriter<IngressRow, IngressResult> {
  let statements: Statements | undefined;
  return async (trx, rows) => {
    statements ??= prepare(sqliteIn(trx));
    const { insertHook, insertJob } = statements;
    const firsts = firstOfEachKey(rows);
    const at = now();
    const inserted = new Set<number>();
    for (const i of firsts) {
      const { event, job } = rows[i] as IngressRow;
      const hook = insertHook.run(event.dedupeKey, event.linkId ?? null, event.kind, event.payload, event.receivedAt);
      if (hook.changes === 0) continue;
      inserted.add(i);
      if (job === undefined) continue;
      const key = job.orderingKey ?? null;
      insertJob.run(
        job.idempotencyKey,
        job.kind,
        job.payload,
        job.linkId ?? null,
        key,
        job.availableAt ?? at,
        at,
        at,
        key,
      );
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
    // The ordering key comes twice, last for the head check: a job without one has no head.
    insertJob: sqlite.prepare(
      `insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
         created_at, updated_at, is_head)
       values (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, (select k is not null and not exists (
         select 1 from outbox o where o.ordering_key = k and o.status in ('pending', 'leased')) from (select ? as k)))
       on conflict (idempotency_key) do nothing`,
    ),
  };
}
