import { type Kysely, sql } from 'kysely';
import { lockOrderingKeys } from './lock-ordering-keys';
import type { Database } from './schema';

// Keys per statement: each costs one bound parameter twice, well inside SQLite's 32766.
const KEY_CHUNK = 400;

/**
 * Makes each key's oldest live job (pending or leased, lowest id) its only head (outbox `is_head`, 0014), the
 * invariant the claim's head index relies on. Run it in the transaction of every write that changes which jobs of a
 * key are live (a job added, completed, dead-lettered, parked, unparked or requeued), after that write. It touches a
 * key's current head and its oldest live job only, one index probe each, and writes only rows whose mark changes, so
 * its cost does not grow with a key's backlog. On PostgreSQL it holds each key's advisory lock (lockOrderingKeys)
 * first: a transaction that changed a key concurrently either committed before the lock was granted, and this one
 * sees its rows, or waits for this one and recomputes after it, so no commit leaves a key with two heads or none.
 */
export async function recomputeHeads(db: Kysely<Database>, keys: readonly (string | null)[]): Promise<void> {
  const present = [...new Set(keys.filter((k): k is string => k !== null))].sort();
  if (present.length === 0) return;
  await lockOrderingKeys(db, present);
  for (let start = 0; start < present.length; start += KEY_CHUNK) {
    const chunk = present.slice(start, start + KEY_CHUNK);
    const oldestLive = (key: ReturnType<typeof sql>) => sql`(
      select min(m.id) from outbox m
        where m.ordering_key = ${key} and m.status in ('pending', 'leased') and m.ordering_key is not null)`;
    const isHead = sql`case when outbox.status in ('pending', 'leased')
      and outbox.id = ${oldestLive(sql.ref('outbox.ordering_key'))} then 1 else 0 end`;
    // The rows whose mark may change: the keys' current heads and their oldest live jobs.
    await sql`
      update outbox set is_head = ${isHead}
      where outbox.id in (
        select h.id from outbox h where h.is_head = 1 and h.ordering_key in (${sql.join(chunk)})
        ${sql.join(
          chunk.map((key) => sql`union all select ${oldestLive(sql`${key}`)}`),
          sql` `,
        )}
      ) and outbox.is_head <> ${isHead}`.execute(db);
  }
}
