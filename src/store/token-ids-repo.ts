import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Records a one-time token id. Returns false when it was already used (a replay); the unique key makes that
 * answer atomic across concurrent requests and processes. Keep the row until the token's own expiry.
 */
export async function markTokenSeen(db: Kysely<Database>, jti: string, expiresAt: number): Promise<boolean> {
  const row = await db
    .insertInto('tokenIds')
    .values({ jti, expiresAt })
    .onConflict((oc) => oc.column('jti').doNothing())
    .returning('jti')
    .executeTakeFirst();
  return row !== undefined;
}

/** Drops ids of tokens that expired before `now`; such tokens fail their own expiry check anyway. */
export async function pruneTokenIds(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('tokenIds').where('expiresAt', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
