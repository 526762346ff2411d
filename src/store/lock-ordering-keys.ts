import { type Kysely, type RawBuilder, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import type { Database } from './schema';

/**
 * The first half of the two-part advisory lock ids that stand for ordering keys (the second is hashtext(key)), apart
 * from every other advisory lock.
 */
export const ORDERING_KEY_LOCKS = 0x6f6b6579;

/**
 * On PostgreSQL, takes a transaction-scoped exclusive advisory lock per ordering key, so that two transactions that
 * take jobs of a key out of the live set (or put older ones back) recompute its head one after the other, and the
 * later one sees the earlier one's rows (outbox `is_head`, recompute-heads.ts). New jobs take the shared lock without
 * waiting instead (mark-new-heads.ts). Taken before the rows change, so a transaction never waits for a key's lock
 * while holding a row another transaction's head update needs. The locks go in ascending lock id order, so two
 * transactions locking overlapping keys in one call never deadlock; they are held until commit or rollback.
 * `keys` are the keys themselves, or a query whose `ordering_key` column yields them (jobs about to change). SQLite
 * runs one writing transaction at a time: nothing to do there.
 */
export async function lockOrderingKeys(
  db: Kysely<Database>,
  keys: readonly (string | null)[] | RawBuilder<{ orderingKey: string | null }>,
): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  let source: RawBuilder<unknown>;
  if (Array.isArray(keys)) {
    const present = [...new Set(keys.filter((k): k is string => k !== null))];
    if (present.length === 0) return;
    source = sql`select unnest(${present}::text[]) as ordering_key`;
  } else source = keys as RawBuilder<unknown>;
  // PostgreSQL evaluates a volatile function in the select list after the sort, so the locks follow the order.
  await sql`
    select pg_advisory_xact_lock(${sql.lit(ORDERING_KEY_LOCKS)}, h) from (
      select distinct hashtext(s.ordering_key) as h from (${source}) s where s.ordering_key is not null
    ) k order by h`.execute(db);
}
