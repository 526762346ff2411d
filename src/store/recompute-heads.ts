import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import { lockOrderingKeys } from './lock-ordering-keys';
import { rowsTable } from './rows-table';
import type { Database } from './schema';

/** A row's mark as its key's oldest live job (`target.oldest`) decides it. */
const mark = sql`case when outbox.id = target.oldest and outbox.status in ('pending', 'leased') then 1 else 0 end`;

/**
 * Makes each key's oldest live job (pending or leased, lowest id) its only head (outbox `is_head`, 0014), the
 * invariant the claim's head index relies on. Run it in the transaction of every write that changes which jobs of a
 * key are live (a job added, completed, dead-lettered, parked, unparked or requeued), after that write. It touches a
 * key's current head and its oldest live job only, one index probe each, and writes only rows whose mark changes, so
 * its cost does not grow with a key's backlog. On PostgreSQL it holds each key's advisory lock (lockOrderingKeys)
 * first: a transaction that changed a key concurrently either committed before the lock was granted, and this one
 * sees its rows, or waits for this one and recomputes after it, so no commit leaves a key with two heads or none.
 * A caller that took those locks already in this transaction, in an earlier statement (the outbox committer, which
 * locks every key it finishes before writing any row), passes `keysLocked` and saves the round trip.
 *
 * One statement whatever the number of keys, its text the same for every batch (the keys are one parameter,
 * rows-table.ts): spelled with a subquery per key, as it was, PostgreSQL spent 60-300 ms planning it for a batch of a
 * hundred keys, longer than the rest of the committer's transaction.
 */
export async function recomputeHeads(
  db: Kysely<Database>,
  keys: readonly (string | null)[],
  options: { keysLocked?: boolean } = {},
): Promise<void> {
  const present = [...new Set(keys.filter((k): k is string => k !== null))].sort();
  if (present.length === 0) return;
  if (!options.keysLocked) await lockOrderingKeys(db, present);
  const postgres = dialectOf(db) === 'postgres';
  // PostgreSQL joins the targets to outbox however its statistics say: on a table it has not analysed yet (a fresh
  // schema, a restored dump) that can be a scan of every row, done jobs included. As an array the ids are an index
  // condition of their own, looked up by primary key whatever the estimates.
  const byId = postgres ? sql`and outbox.id = any(array(select target.id from target))` : sql``;
  // Likewise the current heads, by key from their partial index rather than a hash of every key's head.
  const byKey = postgres ? sql`and h.ordering_key = any(array(select k.key from k))` : sql``;
  // The status list and the `is not null` spell the partial indexes' predicates, so SQLite's planner can use them.
  await sql`
    with ${rowsTable(
      postgres ? 'postgres' : 'sqlite',
      'k',
      { key: 'text' },
      present.map((key) => [key]),
    )},
    oldest(key, id) as materialized (
      select k.key, (select min(m.id) from outbox m
          where m.ordering_key = k.key and m.status in ('pending', 'leased') and m.ordering_key is not null)
        from k
    ),
    -- The rows whose mark may change: the keys' current heads and their oldest live jobs.
    target(id, oldest) as (
      select h.id, oldest.id from oldest join outbox h on h.is_head = 1 and h.ordering_key = oldest.key ${byKey}
      union
      select oldest.id, oldest.id from oldest where oldest.id is not null
    )
    update outbox set is_head = ${mark}
      from target
      where outbox.id = target.id and outbox.is_head <> ${mark} ${byId}`.execute(db);
}
