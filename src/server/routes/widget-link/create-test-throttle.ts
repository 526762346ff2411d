export interface TestThrottle {
  /** Takes one unit of the key's allowance: 0 when granted, else the milliseconds until one is available. */
  take(key: string | number): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_KEYS = 10_000;

/**
 * A token bucket per key, in process memory: enough to stop an admin (or a script holding fresh tokens) from turning
 * the test button into a request cannon. Several backend processes each keep their own allowance.
 */
export function createTestThrottle(options: { burst: number; refillMs: number; now: () => Date }): TestThrottle {
  const buckets = new Map<string | number, Bucket>();
  return {
    take(key) {
      const now = options.now().getTime();
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(options.burst, bucket.tokens + elapsed / options.refillMs);
      bucket.at = now;
      if (buckets.size >= MAX_KEYS && !buckets.has(key)) forgetFullBuckets(buckets, options, now);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) * options.refillMs);
    },
  };
}

function forgetFullBuckets(
  buckets: Map<string | number, Bucket>,
  options: { burst: number; refillMs: number },
  now: number,
) {
  for (const [key, bucket] of buckets) {
    if (bucket.tokens + (now - bucket.at) / options.refillMs >= options.burst) buckets.delete(key);
  }
}
