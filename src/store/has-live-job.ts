import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/** Whether a job with this ordering key is still to run (pending or leased): one probe of the ordering index. */
export async function hasLiveJob(db: Kysely<Database>, orderingKey: string): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`
    select 1 as one from outbox where ordering_key = ${orderingKey} and status in ('pending', 'leased') limit 1`.execute(
    db,
  );
  return rows.length > 0;
}
