import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_B, type Harness, startHarness } from './harness';

const LINK = '/api/widget/link';

describe('link API rate limit per account', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('allows 10 PUT, rotate and test calls a minute, then 429 with Retry-After; GET and DELETE stay open', async () => {
    h.clock.now = new Date(h.clock.now.getTime() + 15_000); // a quarter into the harness's minute
    expect((await h.link()).status).toBe(201);
    for (let i = 0; i < 8; i++) expect((await h.call('POST', `${LINK}/rotate`)).status).toBe(200);
    expect((await h.link()).status).toBe(200);
    for (const [method, path] of [
      ['PUT', LINK],
      ['POST', `${LINK}/rotate`],
      ['POST', `${LINK}/test`],
    ] as const) {
      const limited = await h.call(method, path, method === 'PUT' ? { body: h.linkBody() } : {});
      expect([path, limited.status, limited.json.error.code]).toEqual([path, 429, 'rate_limited']);
      expect(limited.headers.get('retry-after')).toBe('45');
    }
    expect((await h.call('GET', LINK)).status).toBe(200);
    // Another account has its own allowance.
    expect((await h.link(ACCOUNT_B)).status).toBe(201);
    h.clock.now = new Date(h.clock.now.getTime() + 45_000);
    expect((await h.call('POST', `${LINK}/rotate`)).status).toBe(200);
    expect((await h.call('DELETE', LINK)).status).toBe(200);
  });
});
