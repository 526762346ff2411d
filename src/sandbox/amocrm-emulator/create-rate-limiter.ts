/** The limit third-party amoCRM libraries use (crm-rest §7: the docs give no number). */
export const DEFAULT_REQUESTS_PER_SECOND = 7;
const WINDOW_MS = 1000;

export interface RateLimiter {
  /** Counts one request of the account if the last second has room for it; false means answer 429. */
  take(accountId: number): boolean;
  /** Requests allowed per sliding second; `null` switches the limit off. */
  setLimit(perSecond: number | null): void;
  limit(): number | null;
}

/**
 * A sliding one-second window per account (amoCRM limits an account, crm-rest §9.17). Refused requests are not
 * counted, so a client that backs off is let in again a second after its last accepted burst.
 */
export function createRateLimiter(
  now: () => Date,
  perSecond: number | null = DEFAULT_REQUESTS_PER_SECOND,
): RateLimiter {
  let limit = perSecond;
  const seen = new Map<number, number[]>();
  return {
    take(accountId) {
      if (limit === null) return true;
      const at = now().getTime();
      const recent = (seen.get(accountId) ?? []).filter((t) => t > at - WINDOW_MS);
      seen.set(accountId, recent);
      if (recent.length >= limit) return false;
      recent.push(at);
      return true;
    },
    setLimit(value) {
      limit = value;
      seen.clear();
    },
    limit: () => limit,
  };
}
