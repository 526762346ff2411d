import type { z } from 'zod/mini';
import type { FetchLike } from '../egress/fetch-like';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, sleep as realSleep, withRetry } from '../http/with-retry';
import { AmocrmError } from './amocrm-error';
import { type AmocrmRequest, callAmocrm } from './call';
import { createAccountQueue } from './create-account-queue';
import type { AccountAccess, TokenSource } from './token-source';

export interface RequestSenderOptions {
  tokens: TokenSource;
  fetch: FetchLike;
  now: () => Date;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  timeoutMs?: number | undefined;
  retry?: RetryPolicy | undefined;
  ratePerSecond: number;
  maxQueue: number;
  maxResponseBytes?: number | undefined;
}

export interface SendOptions {
  query?: AmocrmRequest<z.ZodMiniType>['query'];
  body?: unknown;
  /**
   * A call whose effect a lost answer would hide (a POST that creates) is retried only on a 429, which amoCRM answers
   * before doing anything; a timeout or 5xx may have landed, so the caller decides (find, then create again).
   */
  retryOnlyRateLimit?: boolean;
}

export interface RequestSender {
  /** One call, retried under the policy; every attempt (a retry too) is a start the account's limit counts. */
  send<S extends z.ZodMiniType>(
    key: string,
    access: AccountAccess,
    method: AmocrmRequest<S>['method'],
    path: string,
    schema: S,
    options?: SendOptions,
  ): Promise<z.infer<S>>;
  /** With the installation's token: a 401 refreshes once and tries again; a second 401 is the caller's. */
  asInstallation<T>(accountId: number, send: (access: AccountAccess) => Promise<T>): Promise<T>;
}

/**
 * The request path shared by every AmocrmClient method: the account's FIFO queue under amoCRM's rate limit, retries
 * with backoff (Retry-After honoured), and the one-refresh-on-401 rule. No I/O until `send` is called.
 */
export function createRequestSender(options: RequestSenderOptions): RequestSender {
  const { now } = options;
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
    ratePerSecond: options.ratePerSecond,
    maxQueue: options.maxQueue,
    now: () => now().getTime(),
    sleep: (ms) => sleep(ms),
  });

  return {
    send(key, access, method, path, schema, sendOptions = {}) {
      const request = {
        method,
        baseUrl: access.baseUrl,
        path,
        query: sendOptions.query,
        accessToken: access.accessToken,
        body: sendOptions.body,
        schema,
        secrets: [access.accessToken],
      };
      const attempt = () => queue.run(key, `${method} ${path}`, () => callAmocrm(transport, request));
      if (!sendOptions.retryOnlyRateLimit) return withRetry(attempt, policy, runtime);
      return withRetry(
        () => attempt().catch((error: unknown) => Promise.reject(onlyRateLimitRetried(error))),
        policy,
        runtime,
      );
    },

    async asInstallation(accountId, send) {
      const access = await options.tokens.access(accountId);
      try {
        return await send(access);
      } catch (error) {
        if (!(error instanceof AmocrmError && error.code === 'unauthorized')) throw error;
        // The refused token is named, so concurrent callers refused with it cause one refresh (token-source.ts).
        return send(await options.tokens.refreshAfterUnauthorized(accountId, access.accessToken));
      }
    },
  };
}

/** The same failure, final unless it is amoCRM's own 429. */
function onlyRateLimitRetried(error: unknown): unknown {
  if (!(error instanceof AmocrmError) || !error.retryable || error.code === 'rate_limited') return error;
  const prefix = `amoCRM ${error.endpoint}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new AmocrmError(error.code, message, {
    endpoint: error.endpoint,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    details: error.details,
    cause: error,
    retryable: false,
  });
}
