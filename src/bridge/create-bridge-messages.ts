import type { BridgeAccepted, BridgeMessageRequest } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import type { RateLimiter } from '../store/create-memory-rate-limits';
import { hitRateLimit } from '../store/rate-limits-repo';
import { acceptMessage } from './accept-message';
import { authenticateBridge, type BridgeKeyMemory, type BridgeLink } from './authenticate-bridge';
import { type BridgeDeps, type BridgeLimits, defaultBridgeLimits } from './bridge-deps';
import { createMessageCommitter } from './create-message-committer';
import { StaleBridgeKey } from './stale-bridge-key';

export interface BridgeMessages {
  limits: BridgeLimits;
  /** Counts one request of the link against its allowance; throws 429 rate_limited past it. */
  limitRate(link: BridgeLink): Promise<void>;
  /**
   * POST /bridge/v1/messages: authenticates, counts, then reads the body with `readBody` (only then: a refused
   * request's body is never read) and resolves with the 202's body once the message is on disk. Refusals throw
   * AppError, mapped as every route's are (errorResponse).
   */
  post(authorization: string | undefined, readBody: () => Promise<BridgeMessageRequest>): Promise<BridgeAccepted>;
}

/**
 * The message route's state and core, shared by its two bindings (bridgeRoutes in the app, and bridge-node-handler.ts
 * ahead of it on node:http) and with the other bridge routes: one group commit, one set of remembered keys, one rate
 * limiter per link across every endpoint.
 */
export function createBridgeMessages(deps: BridgeDeps): BridgeMessages {
  const limits = { ...defaultBridgeLimits, ...deps.limits };
  // Concurrent messages share a transaction (one fsync); each is still answered only once it is on disk.
  const messages = createMessageCommitter(deps.db, deps);
  // The message route's keys, remembered: the committer re-checks each key in its write transaction, so a rotated,
  // unlinked or parked one is still refused (StaleBridgeKey, below). The other routes look the key up every time.
  const keys: BridgeKeyMemory = new Map();
  const rule = { limit: limits.requestsPerSecond, windowMs: 1000 };
  const hitLimit: RateLimiter = deps.rateLimiter ?? ((now, key, r) => hitRateLimit(deps.db, now, key, r));
  const limitRate = async (link: BridgeLink) => {
    if (!Number.isFinite(rule.limit)) return;
    const hit = await hitLimit(deps.now(), `bridge:${link.id}`, rule);
    if (hit.allowed) return;
    throw new AppError('rate_limited', 'Too many requests for this API key; retry after Retry-After seconds.', {
      retryAfter: Math.ceil(hit.retryAfterMs / 1000),
    });
  };
  const accept = async (authorization: string | undefined, body: BridgeMessageRequest, link: BridgeLink) => {
    try {
      return await acceptMessage(deps, link, body, messages.commit);
    } catch (error) {
      if (!(error instanceof StaleBridgeKey)) throw error;
      // The remembered key no longer opened its link when the batch was written: the database says why (401, 404
      // or 409); should the key open a link again by now (a race with a reinstall), the message goes to that.
      keys.delete(error.keyHash);
      const current = await authenticateBridge(deps.db, authorization, keys);
      try {
        return await acceptMessage(deps, current, body, messages.commit);
      } catch (again) {
        if (again instanceof StaleBridgeKey)
          throw new AppError('auth_invalid', 'The API key is not valid (it may have been rotated).');
        throw again;
      }
    }
  };
  return {
    limits,
    limitRate,
    async post(authorization, readBody) {
      // Authentication comes before anything else about the request, the body included; the rate limit right after:
      // it is per link, and counting before the body is read keeps a flood cheap.
      const link = await authenticateBridge(deps.db, authorization, keys);
      await limitRate(link);
      const accepted = await accept(authorization, await readBody(), link);
      // After a 202 the work is on disk; waking the relay of this process saves it a poll interval.
      deps.onAccepted?.();
      return accepted;
    },
  };
}
