import { type Kysely, sql } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

const query = preparedQuery(
  (at: number, at2: number, id: string, at3: number) =>
    sql`update conversations set last_inbound_at = ${at}, updated_at = ${at2}
      where id = ${id} and (last_inbound_at is null or last_inbound_at < ${at3})`,
);

/** touchInbound as one prepared statement, for the bridge accept's hot path (prepared-query.ts). */
export async function touchInboundAt(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await query(db, at, at, id, at);
}
