import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/** At most `limit` hits per key in each fixed window of `windowMs`, counted from the epoch. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitHit {
  allowed: boolean;
  /** Hits counted in the current window, this one included (a refused hit counts too). */
  hits: number;
  /** 0 when allowed; otherwise the ms until the window ends, at least 1. */
  retryAfterMs: number;
}

/** The fixed window `now` falls in, counted from the epoch. */
export function windowStartOf(now: number, rule: RateLimitRule): number {
  return now - (now % rule.windowMs);
}

/** The verdict on the `hits`-th hit of a window; the stored and the in-memory limiter both answer with it. */
export function rateLimitHit(hits: number, windowStart: number, now: number, rule: RateLimitRule): RateLimitHit {
  if (hits <= rule.limit) return { allowed: true, hits, retryAfterMs: 0 };
  const left = windowStart + rule.windowMs - now;
  return { allowed: false, hits, retryAfterMs: Math.min(rule.windowMs, Math.max(1, left)) };
}

/**
 * Counts one hit of `key` and says whether it is within `rule`. One statement, so it is atomic across requests and
 * instances sharing the database: the upsert starts a new window or adds one to the current one, and returns the
 * count. A fixed window (rather than a token bucket) keeps that a single integer update with no float state; the
 * price is that up to twice the limit can pass around a window's edge, which the chosen limits allow for.
 * An instance whose clock lags never moves a key back to an older window: its hit counts in the newer one.
 * Cost: one indexed upsert per hit. On PostgreSQL the table is unlogged (no WAL flush); on SQLite it is a commit of
 * its own, so one more fsync under `synchronous=FULL`. Rows are one per key and reused, so nothing needs pruning.
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  now: number,
  key: string,
  rule: RateLimitRule,
): Promise<RateLimitHit> {
  const windowStart = windowStartOf(now, rule);
  const row = await db
    .insertInto('rateLimits')
    .values({ key, windowStart, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.window_start >= excluded.window_start
          then rate_limits.hits + 1 else 1 end`,
        windowStart: sql<number>`case when rate_limits.window_start >= excluded.window_start
          then rate_limits.window_start else excluded.window_start end`,
      }),
    )
    .returning(['hits', 'windowStart'])
    .executeTakeFirstOrThrow();
  return rateLimitHit(Number(row.hits), Number(row.windowStart), now, rule);
}
