import { type Kysely, sql } from 'kysely';
import { lockOrderingKeys } from './lock-ordering-keys';
import type { Database } from './schema';

/**
 * Takes the ordering-key locks of these jobs in one call (lock-ordering-keys.ts), before a transaction writes any
 * row: the outbox committer finishes many jobs of many keys in one transaction, and locking them one by one after
 * rows were written could close a cycle with a replay or a bridge batch holding another of those keys. Later calls
 * in the same transaction find the locks held and return at once.
 */
export async function lockJobKeys(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await lockOrderingKeys(
    db,
    sql<{ orderingKey: string | null }>`
    select ordering_key from outbox where id in (${sql.join(ids)})`,
  );
}
