import type { Kysely } from 'kysely';
import { AppError } from '../../../http/app-error';
import type { RateLimitRule } from '../../../store/rate-limits-repo';
import { hitRateLimit } from '../../../store/rate-limits-repo';
import type { Database } from '../../../store/schema';

export interface AccountThrottle {
  /** Counts one call of the account; throws 429 rate_limited, with Retry-After, past the limit. */
  take(accountId: number): Promise<void>;
}

/**
 * A limit per account on one kind of call, stored (rate-limits-repo.ts) so every backend instance draws on the same
 * allowance: a script holding fresh one-time tokens gains nothing by landing on several of them.
 */
export function createAccountThrottle(options: {
  db: Kysely<Database>;
  now: () => Date;
  /** Names the kind of call in the key, so two throttles of one account stay apart. */
  name: string;
  rule: RateLimitRule;
  /** Shown to the admin with the 429. */
  message: string;
}): AccountThrottle {
  return {
    async take(accountId) {
      const hit = await hitRateLimit(options.db, options.now().getTime(), `${options.name}:${accountId}`, options.rule);
      if (hit.allowed) return;
      throw new AppError('rate_limited', options.message, { retryAfter: Math.ceil(hit.retryAfterMs / 1000) });
    },
  };
}
