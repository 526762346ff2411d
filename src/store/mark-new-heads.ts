import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import { ORDERING_KEY_LOCKS } from './lock-ordering-keys';
import { oldestOfKeys } from './oldest-of-keys';
import type { Database } from './schema';
import { writeHeadMarks } from './write-head-marks';

/**
 * Marks which of the jobs just inserted in this transaction head their ordering key (outbox `is_head`, 0014), and
 * returns their ids: a new job whose key has no older live job. A new job never unseats a head (its id is the highest), so only its own row
 * is written, and enqueueing, the hot path, waits for no lock. On SQLite, one writer at a time, that is exact.
 *
 * On PostgreSQL a concurrent transaction may be taking the key's head out of the live set (completing it, say) while
 * this one still sees it live, and neither sees the other's rows: the key would be left with no head, its jobs never
 * claimed. So the job takes its key's advisory lock in shared mode first, without waiting (a wait here, inside a
 * group commit that enqueues for many keys, could close a deadlock with a committer completing jobs of the same
 * keys). Granted, it is held until commit, so a transaction changing the key (which takes the lock exclusively,
 * lock-ordering-keys.ts) waits for this one and then sees the new job when it recomputes the head. Refused, such a
 * transaction is under way, and the key's oldest new job is marked whatever this transaction sees: at worst the key
 * then has two heads for a while, which the claim tolerates (it checks a head for older live jobs before leasing it)
 * and the next recompute of the key clears. Two transactions enqueueing the first jobs of one key may also both mark
 * theirs, with the same outcome.
 */
export async function markNewHeads(
  db: Kysely<Database>,
  rows: readonly { id: number; orderingKey: string | null }[],
): Promise<Set<number>> {
  const keyed = rows.filter((r): r is { id: number; orderingKey: string } => r.orderingKey !== null);
  if (keyed.length === 0) return new Set();
  const forced = new Set<number>();
  if (dialectOf(db) === 'postgres') {
    const keys = [...new Set(keyed.map((r) => r.orderingKey))];
    const { rows: locks } = await sql<{ k: string; granted: boolean }>`
      select k, pg_try_advisory_xact_lock_shared(${sql.lit(ORDERING_KEY_LOCKS)}, hashtext(k)) as granted
        from unnest(${keys}::text[]) as k order by hashtext(k)`.execute(db);
    const refused = new Set(locks.filter((l) => !l.granted).map((l) => l.k));
    for (const id of oldestOfKeys(keyed, refused)) forced.add(id);
  }
  return writeHeadMarks(db, keyed, forced);
}
