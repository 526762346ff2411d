import { type Kysely, sql } from 'kysely';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

const query = preparedQuery(
  (linkId: string, keyHash: string) =>
    sql<{ id: string }>`select id from links where id = ${linkId} and bridge_key_hash = ${keyHash}
      and scope_id is not null and parked_at is null`,
);

/**
 * Whether the bridge API key with this hash still opens the link for writing: the key was not rotated away, the
 * link is still linked (has a scope) and its account has not removed the integration (not parked). The bridge
 * accept asks inside its write transaction, so a key remembered in memory is re-checked at the moment of writing.
 */
export async function isBridgeKeyLive(db: Kysely<Database>, linkId: string, keyHash: string): Promise<boolean> {
  return (await query(db, linkId, keyHash)).length > 0;
}
