import type { Kysely } from 'kysely';
import type { OAuthGrant } from '../amocrm/amocrm-client';
import { AmocrmError } from '../amocrm/amocrm-error';
import type { AccountAccess, TokenSource } from '../amocrm/token-source';
import type { Logger } from '../observability/create-logger';
import { errorCodeOf } from '../observability/error-code-of';
import {
  findInstallation,
  type Installation,
  markNeedsReauthorization,
  storeRefreshedTokens,
} from '../store/installations-repo';
import { acquireLease, releaseLease } from '../store/leases-repo';
import type { Database } from '../store/schema';
import type { SecretBox } from '../store/secret-box';
import { openTokens, sealTokens } from './installation-tokens';

export interface TokenSourceOptions {
  db: Kysely<Database>;
  secretBox: SecretBox;
  grant: OAuthGrant;
  /** The account's REST origin (the refresh grant goes there too). */
  baseUrlOf: (installation: Installation) => string;
  now: () => number;
  /** This process, for the lease's owner (each refresh adds its own suffix). */
  ownerId: string;
  /** `access` refreshes a token that expires within this (default 5 min). */
  refreshAheadMs?: number;
  /** How long a refresh holds the account's lease (default 90 s): keep it above the grant call with its retries. */
  leaseMs?: number;
  /** How long to wait for another process's refresh before giving up (default 15 s). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger | undefined;
}

export type RefreshOutcome = 'fresh' | 'refreshed' | 'refused';

export interface InstallationTokenSource extends TokenSource {
  /** The sweep's call: refreshes when the access token expires within `aheadMs` (default refreshAheadMs). */
  refreshIfDue(accountId: number, aheadMs?: number): Promise<RefreshOutcome>;
}

const POLL_MS = 100;

interface Current {
  installation: Installation;
  accessToken: string;
}

const notActive = () =>
  new AmocrmError('grant_refused', 'the installation is not active', { endpoint: 'token source' });

/**
 * Access tokens from the installations table. amoCRM's refresh tokens are single use (crm-rest §1.6): two processes
 * refreshing with one token leave one of them with a dead pair, and a pair not saved before use loses the install
 * (§9.1-2). So a refresh holds the lease `amocrm-refresh:<account id>`, re-reads the installation under it (another
 * process may have refreshed meanwhile: its pair is used), and stores the new pair, fenced by the token version it
 * read, before anyone gets it. In one process concurrent refreshes of an account share one flight. Never logs a token.
 */
export function createTokenSource(options: TokenSourceOptions): InstallationTokenSource {
  const { db, secretBox, grant, now, logger } = options;
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60 * 1000;
  // Longer than the refresh grant can take with its retries (3 attempts of 10 s plus backoff, oauth-grant.ts): a
  // lease lapsing mid-call would let another process spend the same single-use refresh token.
  const leaseMs = options.leaseMs ?? 90 * 1000;
  const polls = Math.max(1, Math.ceil((options.waitMs ?? 15 * 1000) / POLL_MS));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const flights = new Map<number, Promise<Current>>();
  let attempt = 0;

  const accessOf = (current: Current): AccountAccess => ({
    baseUrl: options.baseUrlOf(current.installation),
    accessToken: current.accessToken,
  });

  /** The stored token of an active installation, or undefined when it is not (or no longer) active. */
  const read = async (accountId: number): Promise<Current | undefined> => {
    const installation = await findInstallation(db, accountId);
    if (installation?.state !== 'active') return undefined;
    const tokens = openTokens(secretBox, installation);
    return tokens === undefined ? undefined : { installation, accessToken: tokens.accessToken };
  };

  const readActive = async (accountId: number): Promise<Current> => {
    const current = await read(accountId);
    if (current === undefined) throw notActive();
    return current;
  };

  /** One refresh of the pair at `staleVersion`, under the account's lease; theirs if another one got there first. */
  const refreshUnderLease = async (accountId: number, staleVersion: number): Promise<Current> => {
    const name = `amocrm-refresh:${accountId}`;
    // An owner per attempt, so two flights in one process exclude each other as two processes do.
    attempt += 1;
    const owner = `${options.ownerId}#${attempt}`;
    for (let poll = 0; ; poll += 1) {
      const lease = await acquireLease(db, { name, owner, ttlMs: leaseMs, now: now() });
      if (lease !== undefined) {
        try {
          return await refreshHeld(accountId, staleVersion);
        } finally {
          await releaseLease(db, lease);
        }
      }
      const current = await readActive(accountId);
      if (current.installation.tokenVersion !== staleVersion) return current;
      if (poll >= polls) {
        throw new AmocrmError('timeout', 'another process is still refreshing the token', {
          endpoint: 'token source',
        });
      }
      await sleep(POLL_MS);
    }
  };

  const refreshHeld = async (accountId: number, staleVersion: number): Promise<Current> => {
    const current = await readActive(accountId);
    const { installation } = current;
    // Someone stored a newer pair (a refresh elsewhere, a reinstall) since the caller read: use theirs.
    if (installation.tokenVersion !== staleVersion) return current;
    const tokens = openTokens(secretBox, installation);
    if (tokens === undefined) throw notActive();
    let pair: Awaited<ReturnType<OAuthGrant['refresh']>>;
    try {
      pair = await grant.refresh(options.baseUrlOf(installation), tokens.refreshToken);
    } catch (error) {
      if (!(error instanceof AmocrmError && error.code === 'grant_refused')) throw error;
      if (await markNeedsReauthorization(db, accountId, installation.tokenVersion, now())) {
        logger?.warn({ accountId }, 'amoCRM refused the refresh token: the installation needs reauthorization');
        throw error;
      }
      // The pair moved on while we asked (a reinstall): the refusal was of a token no longer ours.
      const after = await read(accountId);
      if (after === undefined || after.installation.tokenVersion === staleVersion) throw error;
      return after;
    }
    const stored = await storeRefreshedTokens(
      db,
      accountId,
      installation.tokenVersion,
      sealTokens(secretBox, accountId, pair),
      now(),
    );
    if (stored !== undefined) {
      logger?.info({ accountId, tokenVersion: stored.tokenVersion }, 'amoCRM access token refreshed');
      return { installation: stored, accessToken: pair.accessToken };
    }
    // Only what bypasses the lease moves the version under it: a reinstall (its pair stands) or a removal. The pair
    // just received is dropped unused, so nothing ever runs on a token the store does not hold.
    logger?.error({ accountId }, 'refreshed amoCRM tokens not stored: the installation changed meanwhile');
    return readActive(accountId);
  };

  /** Refreshes unless the stored pair has moved past `staleVersion`; one flight per account in this process. */
  const refresh = async (accountId: number, staleVersion: number): Promise<Current> => {
    for (let running = flights.get(accountId); running !== undefined; running = flights.get(accountId)) {
      const result = await running;
      if (result.installation.tokenVersion !== staleVersion) return result;
    }
    const flight = refreshUnderLease(accountId, staleVersion).finally(() => flights.delete(accountId));
    flights.set(accountId, flight);
    return flight;
  };

  const validFor = (installation: Installation) => (installation.accessExpiresAt ?? 0) - now();

  return {
    async access(accountId) {
      const current = await readActive(accountId);
      if (validFor(current.installation) > refreshAheadMs) return accessOf(current);
      try {
        return accessOf(await refresh(accountId, current.installation.tokenVersion));
      } catch (error) {
        const refused = error instanceof AmocrmError && error.code === 'grant_refused';
        if (refused || validFor(current.installation) <= 0) throw error;
        // Refreshing ahead must not cause an outage: the token in hand still works for a while.
        const code = errorCodeOf(error);
        logger?.warn({ accountId, code }, 'amoCRM token refresh failed; the current token is still valid');
        return accessOf(current);
      }
    },

    async refreshAfterUnauthorized(accountId, refused) {
      const current = await readActive(accountId);
      // Another caller refused with the same token has refreshed already.
      if (current.accessToken !== refused) return accessOf(current);
      return accessOf(await refresh(accountId, current.installation.tokenVersion));
    },

    async refreshIfDue(accountId, aheadMs = refreshAheadMs) {
      const current = await read(accountId);
      if (current === undefined) return 'refused';
      if (validFor(current.installation) > aheadMs) return 'fresh';
      try {
        await refresh(accountId, current.installation.tokenVersion);
        return 'refreshed';
      } catch (error) {
        if (error instanceof AmocrmError && error.code === 'grant_refused') return 'refused';
        throw error;
      }
    },
  };
}
