import type { Kysely } from 'kysely';
import { AppError } from '../http/app-error';
import { hashApiKey, verifyApiKey } from '../store/api-key-hash';
import { findLinkByKeyHash, type Link } from '../store/links-repo';
import type { Database } from '../store/schema';

/** A live link, as the bridge API key names it. */
export type BridgeLink = Link & { scopeId: string };

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

/** Links by key hash, as authenticateBridge found them; see its `remembered`. */
export type BridgeKeyMemory = Map<string, BridgeLink>;

/** Keys remembered at most; past it the oldest goes (a map keeps insertion order). */
const REMEMBERED_KEYS = 10_000;

/**
 * `Authorization: Bearer <api key>` to the link it belongs to. The key's SHA-256 is the lookup key (keys are long
 * and random, see api-key-hash.ts) and the match is re-checked in constant time. A rotated-away key no longer
 * matches any link; a key whose link was unlinked (no scope) is 404 not_linked, and one whose account removed the
 * integration (a parked link) 409 account_not_installed.
 *
 * `remembered` keeps the links of keys that passed, so a busy messenger's requests skip the look-up. Only a caller
 * that re-checks the key where it writes may pass one (the message committer does, with isBridgeKeyLive in its
 * transaction): a remembered key may have been rotated, unlinked or parked since.
 */
export async function authenticateBridge(
  db: Kysely<Database>,
  authorization: string | undefined,
  remembered?: BridgeKeyMemory,
): Promise<BridgeLink> {
  if (authorization === undefined || authorization.trim() === '') {
    throw new AppError('auth_missing', 'Send the link API key as Authorization: Bearer <api key>.');
  }
  const key = BEARER.exec(authorization)?.[1];
  if (key === undefined) throw new AppError('auth_invalid', 'The Authorization header must be Bearer <api key>.');
  const hash = hashApiKey(key);
  const known = remembered?.get(hash);
  if (known !== undefined) return known;
  const link = await findLinkByKeyHash(db, hash);
  if (!link || link.bridgeKeyHash === null || !verifyApiKey(key, link.bridgeKeyHash)) {
    throw new AppError('auth_invalid', 'The API key is not valid (it may have been rotated).');
  }
  if (link.scopeId === null) throw new AppError('not_linked', 'This API key belongs to an account that is not linked.');
  // The integration was removed from the account: amojo's scope is disconnected, so nothing sent now could arrive.
  // Refused rather than queued, so the messenger knows; the jobs accepted before wait for the next install.
  if (link.parkedAt !== null) {
    throw new AppError(
      'account_not_installed',
      'The amoCRM account removed the integration; messages are refused until an admin installs it again.',
    );
  }
  const live = { ...link, scopeId: link.scopeId };
  if (remembered !== undefined) {
    if (remembered.size >= REMEMBERED_KEYS) remembered.delete(remembered.keys().next().value ?? '');
    remembered.set(hash, live);
  }
  return live;
}
