import { describe, expect, it } from 'vitest';
import { createMemoryRateLimits } from '../../src/store/create-memory-rate-limits';

describe('createMemoryRateLimits', () => {
  const rule = { limit: 2, windowMs: 1000 };

  it('counts fixed windows per key as the stored limiter does', async () => {
    const hit = createMemoryRateLimits();
    expect(await hit(10_000, 'a', rule)).toEqual({ allowed: true, hits: 1, retryAfterMs: 0 });
    expect(await hit(10_100, 'a', rule)).toEqual({ allowed: true, hits: 2, retryAfterMs: 0 });
    expect(await hit(10_400, 'a', rule)).toEqual({ allowed: false, hits: 3, retryAfterMs: 600 });
    expect((await hit(10_400, 'b', rule)).allowed).toBe(true);
    expect(await hit(11_000, 'a', rule)).toEqual({ allowed: true, hits: 1, retryAfterMs: 0 });
    // a clock stepped back counts in the newer window
    expect((await hit(10_900, 'a', rule)).hits).toBe(2);
  });

  it('keeps at most maxKeys keys, dropping the least recently hit', async () => {
    const hit = createMemoryRateLimits(2);
    await hit(0, 'a', rule);
    await hit(0, 'a', rule);
    await hit(0, 'b', rule);
    await hit(0, 'c', rule);
    expect((await hit(0, 'a', rule)).hits).toBe(1);
  });
});
