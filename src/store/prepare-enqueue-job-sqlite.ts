import type BetterSqlite3 from 'better-sqlite3';
import type { NewOutboxJob } from '../jobs/new-outbox-job';

/** Adds one job; false when a job with its idempotency key exists (left untouched). */
export type EnqueueJobSqlite = (job: NewOutboxJob, now: number) => boolean;

/**
 * enqueue's insert on the raw SQLite handle (OpenedDatabase.sqliteIn), for hot paths that run inside a transaction
 * of the same database: the webhook's batch and the bridge accept. The head mark (outbox `is_head`, 0014) goes in
 * with the job instead of an update after it (markNewHeads): SQLite has one writer, and every live job of the key is
 * older than this one, so "no live job of its key yet" is exact here, and a later job of the same key in the same
 * transaction sees this one. A job without an ordering key heads nothing.
 */
export function prepareEnqueueJobSqlite(sqlite: BetterSqlite3.Database): EnqueueJobSqlite {
  // The ordering key comes twice, last for the head check.
  const insert = sqlite.prepare<
    [string, string, string, string | null, string | null, number, number, number, string | null]
  >(
    `insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
       created_at, updated_at, is_head)
     values (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, (select k is not null and not exists (
       select 1 from outbox o where o.ordering_key = k and o.status in ('pending', 'leased')) from (select ? as k)))
     on conflict (idempotency_key) do nothing`,
  );
  return (job, now) => {
    const key = job.orderingKey ?? null;
    return (
      insert.run(
        job.idempotencyKey,
        job.kind,
        job.payload,
        job.linkId ?? null,
        key,
        job.availableAt ?? now,
        now,
        now,
        key,
      ).changes > 0
    );
  };
}
