import type { z } from 'zod/mini';
import { accountResponse, type UserResponse, userResponse } from '../contracts/amocrm';
import type { FetchLike } from '../egress/fetch-like';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, sleep as realSleep, withRetry } from '../http/with-retry';
import type { AmocrmClient } from './amocrm-client';
import { AmocrmError } from './amocrm-error';
import { callAmocrm } from './call';
import { createAccountQueue } from './create-account-queue';
import type { AccountAccess, TokenSource } from './token-source';

export interface AmocrmClientOptions {
  tokens: TokenSource;
  fetch: FetchLike;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * Request starts per rolling second per account. amoCRM's figure is docs-silent (crm-rest §7); 7/s is the one in
   * circulation, and keeping under it is what protects the account from being blocked (§9.17).
   */
  ratePerSecond?: number;
  /** Calls waiting per account before new ones are refused with `rate_limited` (default 100). */
  maxQueue?: number;
  maxResponseBytes?: number;
}

/**
 * The amoCRM REST client (AmocrmClient): each attempt waits its turn in the account's queue, 429/5xx/network
 * failures are retried with backoff (Retry-After honoured), and a 401 asks the TokenSource for a fresh token once.
 * No I/O until a method is called.
 */
export function createAmocrmClient(options: AmocrmClientOptions): AmocrmClient {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const transport = {
    fetch: options.fetch,
    now,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxResponseBytes: options.maxResponseBytes,
  };
  const runtime = { sleep, random: options.random ?? Math.random };
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const queue = createAccountQueue({
    ratePerSecond: options.ratePerSecond ?? 7,
    maxQueue: options.maxQueue ?? 100,
    now: () => now().getTime(),
    sleep: (ms) => sleep(ms),
  });

  /** One GET, retried; every attempt (a retry too) is a start the account's limit counts. */
  function get<S extends z.ZodMiniType>(
    key: string,
    access: AccountAccess,
    path: string,
    schema: S,
    query?: Record<string, string>,
  ): Promise<z.infer<S>> {
    const request = {
      method: 'GET' as const,
      baseUrl: access.baseUrl,
      path,
      query,
      accessToken: access.accessToken,
      schema,
      secrets: [access.accessToken],
    };
    return withRetry(() => queue.run(key, `GET ${path}`, () => callAmocrm(transport, request)), policy, runtime);
  }

  /** With the installation's token: a 401 refreshes once and tries again; a second 401 is the caller's. */
  async function asInstallation<T>(accountId: number, send: (access: AccountAccess) => Promise<T>): Promise<T> {
    const access = await options.tokens.access(accountId);
    try {
      return await send(access);
    } catch (error) {
      if (!(error instanceof AmocrmError && error.code === 'unauthorized')) throw error;
      // The refused token is named, so concurrent callers refused with it cause one refresh (token-source.ts).
      return send(await options.tokens.refreshAfterUnauthorized(accountId, access.accessToken));
    }
  }

  /** A non-admin's token may not read users (crm-rest §3): its 403 is an answer, "not an admin", not a failure. */
  async function userOrNull(read: Promise<UserResponse>): Promise<UserResponse | null> {
    try {
      return await read;
    } catch (error) {
      if (error instanceof AmocrmError && error.code === 'forbidden') return null;
      throw error;
    }
  }

  const accountKey = (accountId: number) => `account:${accountId}`;
  // Before an installation exists there is no account id yet; the origin names the account just as well.
  const originKey = (access: AccountAccess) => `origin:${access.baseUrl.replace(/\/+$/, '')}`;
  const userPath = (userId: number) => {
    if (!Number.isSafeInteger(userId) || userId <= 0) {
      throw new AmocrmError('invalid_request', 'user id is not a positive integer; not sent', {
        endpoint: 'GET /api/v4/users/{id}',
      });
    }
    return `/api/v4/users/${userId}`;
  };
  const ACCOUNT_PATH = '/api/v4/account';
  const WITH_AMOJO_ID = { with: 'amojo_id' };

  return {
    account: (accountId) =>
      asInstallation(accountId, (access) =>
        get(accountKey(accountId), access, ACCOUNT_PATH, accountResponse, WITH_AMOJO_ID),
      ),
    user: async (accountId, userId) => {
      const path = userPath(userId);
      return userOrNull(asInstallation(accountId, (access) => get(accountKey(accountId), access, path, userResponse)));
    },
    accountWith: (access) => get(originKey(access), access, ACCOUNT_PATH, accountResponse, WITH_AMOJO_ID),
    userWith: async (access, userId) => {
      const path = userPath(userId);
      return userOrNull(get(originKey(access), access, path, userResponse));
    },
  };
}
