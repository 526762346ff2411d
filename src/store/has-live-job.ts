import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/**
 * Whether a job with this ordering key is still to run (pending or leased), or with `orDead` also one that gave up
 * and waits for a replay: one probe of the ordering index.
 */
export async function hasLiveJob(
  db: Kysely<Database>,
  orderingKey: string,
  options: { orDead?: boolean } = {},
): Promise<boolean> {
  const statuses = options.orDead ? sql`('pending', 'leased', 'dead')` : sql`('pending', 'leased')`;
  const { rows } = await sql<{ one: number }>`
    select 1 as one from outbox where ordering_key = ${orderingKey} and status in ${statuses} limit 1`.execute(db);
  return rows.length > 0;
}
