import { type RateLimitHit, type RateLimitRule, rateLimitHit, windowStartOf } from './rate-limits-repo';

/** Counts hits of a key against a rule: the stored `hitRateLimit` bound to a database, or this in-memory twin. */
export type RateLimiter = (now: number, key: string, rule: RateLimitRule) => Promise<RateLimitHit>;

/**
 * The same fixed windows as `hitRateLimit`, kept in this process. For SQLite, where one process owns the database
 * file: a stored hit there is a commit of its own, one more fsync on every bridge request under `synchronous=FULL`,
 * to share a count no other instance reads. At most `maxKeys` keys are kept; past that the oldest windows go.
 */
export function createMemoryRateLimits(maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { start: number; hits: number }>();
  return async (now, key, rule) => {
    const start = windowStartOf(now, rule);
    const current = windows.get(key);
    // A clock stepped back counts in the newer window, as the stored one does.
    const entry = current !== undefined && current.start >= start ? current : { start, hits: 0 };
    entry.hits += 1;
    windows.delete(key);
    windows.set(key, entry);
    if (windows.size > maxKeys) windows.delete(windows.keys().next().value as string);
    return rateLimitHit(entry.hits, entry.start, now, rule);
  };
}
