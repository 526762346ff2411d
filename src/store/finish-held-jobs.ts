import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import type { Lease } from './outbox-repo';
import { recomputeHeads } from './recompute-heads';
import { rowsTable } from './rows-table';
import type { Database } from './schema';

/** How a held job ends: done, back to pending for another attempt at `nextAttemptAt`, or a dead letter. */
export type HeldJobEnd =
  | { lease: Lease; status: 'done' }
  | { lease: Lease; status: 'pending'; nextAttemptAt: number; errorCode: string }
  | { lease: Lease; status: 'dead'; errorCode: string };

/**
 * Ends many jobs this worker holds in one UPDATE, whatever each one's end (complete, fail and deadLetter in
 * outbox-repo.ts write the same columns one job at a time), and returns the leases that were still held, as id to
 * attempt count (a job may appear twice, an attempt that lost its lease beside the one that took it over): a lease
 * lost changes nothing, as the fencing of heldBy. Then the heads of the keys whose jobs
 * left the live set (done or dead) are recomputed, in one more statement.
 *
 * For the outbox committer, which finishes a whole turn of the worker in one transaction: one statement for the
 * batch where there was one per retried or dead-lettered job, and two (lock and update) for the completed ones. The
 * caller that holds the ordering-key locks of the jobs that end done or dead already (lockJobKeys, before any row of
 * the transaction was written) says so with `keysLocked`, and the recompute does not take them again.
 */
export async function finishHeldJobs(
  db: Kysely<Database>,
  ends: readonly HeldJobEnd[],
  options: {
    workerId: string;
    now: number;
    /** The caller already holds the ordering-key locks of the jobs that end done or dead (see above). */
    keysLocked?: boolean;
  },
): Promise<Map<number, number>> {
  const held = new Map<number, number>();
  if (ends.length === 0) return held;
  const { workerId, now } = options;
  const rows = ends.map((end) => [
    end.lease.id,
    end.lease.attempts,
    end.status,
    end.status === 'pending' ? end.nextAttemptAt : null,
    end.status === 'done' ? null : end.errorCode,
  ]);
  const postgres = dialectOf(db) === 'postgres';
  // The rows are looked up by primary key whatever the planner estimates for the batch: on PostgreSQL the ids again as
  // an array, an index condition of their own (a join could otherwise scan the table, done jobs and all); on SQLite,
  // with statistics, the planner would rather walk every leased row and scan the batch for each.
  const byId = postgres ? sql`and outbox.id = any(${ends.map((end) => end.lease.id)}::bigint[])` : sql``;
  const target = postgres ? sql`outbox` : sql`outbox not indexed`;
  const ended = rowsTable(
    postgres ? 'postgres' : 'sqlite',
    'ended',
    { id: 'bigint', attempts: 'integer', status: 'text', next_at: 'bigint', error: 'text' },
    rows,
  );
  const { rows: changed } = await sql<{ id: number; attempts: number; orderingKey: string | null; status: string }>`
    with ${ended}
    update ${target} set
      status = ended.status,
      lease_owner = null,
      available_at = case when ended.status = 'pending' then ended.next_at else outbox.available_at end,
      last_error = case when ended.status = 'done' then outbox.last_error else ended.error end,
      completed_at = case when ended.status = 'done' then ${now} else outbox.completed_at end,
      -- A job that leaves the live set heads nothing (what the recompute would write; here its row is written once).
      is_head = case when ended.status = 'pending' then outbox.is_head else 0 end,
      updated_at = ${now}
    from ended
    where outbox.id = ended.id and outbox.attempts = ended.attempts
      and outbox.status = 'leased' and outbox.lease_owner = ${workerId} ${byId}
    returning outbox.id, outbox.attempts, outbox.ordering_key, outbox.status`.execute(db);
  const keys: (string | null)[] = [];
  for (const row of changed) {
    held.set(Number(row.id), Number(row.attempts));
    if (row.status !== 'pending') keys.push(row.orderingKey);
  }
  await recomputeHeads(db, keys, { keysLocked: options.keysLocked ?? false });
  return held;
}
