import type BetterSqlite3 from 'better-sqlite3';
import { firstOfEachKey } from './first-of-each-key';
import type { IngressResult, IngressRow } from './ingress-row';
import { prepareEnqueueJobSqlite } from './prepare-enqueue-job-sqlite';

/** Writes a batch of hooks with their jobs on the raw handle, in the caller's transaction; one result per row. */
export type IngressSqlite = (rows: readonly IngressRow[], now: number) => IngressResult[];

/**
 * The webhook batch's statements on the raw SQLite handle, prepared once, run synchronously a row at a time: through
 * the query builder, building and running them cost more CPU than SQLite's own work for them. The caller owns the
 * transaction (writeIngressBatchSqlite inside a Kysely one, writeIngressNowSqlite in one of its own). A job's head
 * mark (outbox `is_head`, migration 0014) is written with the job (prepareEnqueueJobSqlite).
 */
export function prepareIngressSqlite(sqlite: BetterSqlite3.Database): IngressSqlite {
  const insertHook = sqlite.prepare(
    `insert into inbox (dedupe_key, link_id, kind, payload, received_at) values (?, ?, ?, ?, ?)
       on conflict (dedupe_key) do nothing`,
  );
  const enqueueJob = prepareEnqueueJobSqlite(sqlite);
  return (rows, now) => {
    const inserted = new Set<number>();
    for (const i of firstOfEachKey(rows)) {
      const { event, job } = rows[i] as IngressRow;
      const hook = insertHook.run(event.dedupeKey, event.linkId ?? null, event.kind, event.payload, event.receivedAt);
      if (hook.changes === 0) continue;
      inserted.add(i);
      if (job !== undefined) enqueueJob(job, now);
    }
    return rows.map((_, i) => (inserted.has(i) ? 'new' : 'duplicate'));
  };
}
