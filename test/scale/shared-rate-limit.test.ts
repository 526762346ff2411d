import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultBridgeLimits } from '../../src/bridge/bridge-deps';
import { describeWithPostgres } from './helpers/describe-with-postgres';
import { startTwoInstances, type TwoInstances } from './helpers/start-two-instances';

// The bridge's per-link rate limit is kept in PostgreSQL (start-backend.ts passes the in-memory limiter on SQLite
// only): a messenger spreading its requests over several instances gets the one allowance, not one per instance.
describeWithPostgres('the bridge rate limit across two instances', () => {
  let s: TwoInstances | undefined;
  beforeAll(async () => {
    s = await startTwoInstances();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('refuses on the second instance what the first one already counted', async () => {
    if (!s) throw new Error('not started');
    const stack = s;
    const key = `bridge:${stack.link.id}`;
    const me = (instance: 0 | 1) =>
      fetch(`${stack.urls[instance]}/bridge/v1/me`, { headers: { authorization: `Bearer ${stack.link.apiKey}` } });
    const limit = defaultBridgeLimits.requestsPerSecond;
    // The link's earlier traffic, one short of the limit, in a window an hour ahead: a hit of an instance whose clock
    // is behind counts in the newer window (rate-limits-repo.ts), so this window holds for the whole test, however
    // slowly it runs. Sending 199 requests inside one real second instead would test the machine's speed.
    const windowStart = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
    await stack.db.deleteFrom('rateLimits').where('key', '=', key).execute();
    await stack.db
      .insertInto('rateLimits')
      .values({ key, windowStart, hits: limit - 1 })
      .execute();

    // The first instance takes the last request the window allows and counts it...
    expect((await me(0)).status).toBe(200);
    // ...so the second instance, which has seen none of them, refuses its very first.
    const refused = await me(1);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error?: { code?: string } }).error?.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // And the refusal counted where the first instance will see it: it refuses too.
    expect((await me(0)).status).toBe(429);
    const row = await stack.db.selectFrom('rateLimits').select('hits').where('key', '=', key).executeTakeFirst();
    expect(Number(row?.hits)).toBe(limit + 2);
  }, 60_000);
});
