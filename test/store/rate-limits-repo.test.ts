import { expect, it } from 'vitest';
import { hitRateLimit } from '../../src/store/rate-limits-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000; // a whole second, so windows of 1 s and 60 s start here
const perSecond = { limit: 3, windowMs: 1000 };

describeEachDatabase('rate limits repo', (t) => {
  it('allows the limit within a window, refuses the rest until the window ends, then starts again', async () => {
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await hitRateLimit(t.db, T0 + 100, 'k', perSecond));
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false, false]);
    expect(hits.map((h) => h.hits)).toEqual([1, 2, 3, 4, 5]);
    expect(hits[3]?.retryAfterMs).toBe(900);
    expect(await hitRateLimit(t.db, T0 + 1000, 'k', perSecond)).toEqual({ allowed: true, hits: 1, retryAfterMs: 0 });
  });

  it('keeps keys apart', async () => {
    for (let i = 0; i < 3; i++) await hitRateLimit(t.db, T0, 'a', perSecond);
    expect((await hitRateLimit(t.db, T0, 'a', perSecond)).allowed).toBe(false);
    expect((await hitRateLimit(t.db, T0, 'b', perSecond)).allowed).toBe(true);
  });

  it('never moves a key back to an older window when a clock lags', async () => {
    await hitRateLimit(t.db, T0 + 1000, 'k', perSecond);
    const late = await hitRateLimit(t.db, T0 + 999, 'k', perSecond);
    expect(late.hits).toBe(2);
    expect((await hitRateLimit(t.db, T0 + 1001, 'k', perSecond)).hits).toBe(3);
  });

  it('counts every one of many concurrent hits exactly once', async () => {
    const rule = { limit: 10, windowMs: 60_000 };
    const hits = await Promise.all(Array.from({ length: 25 }, () => hitRateLimit(t.db, T0, 'race', rule)));
    expect(hits.map((h) => h.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(hits.filter((h) => h.allowed)).toHaveLength(10);
  });

  it.skipIf(!t.openAnother)('shares one allowance between two connections to the same database', async () => {
    const other = await t.openAnother?.();
    if (!other) return;
    const rule = { limit: 4, windowMs: 60_000 };
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await hitRateLimit(t.db, T0, 'shared', rule));
      results.push(await hitRateLimit(other.db, T0, 'shared', rule));
    }
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false, false]);
  });
});
