import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeDeps } from '../../src/bridge/bridge-deps';
import { defaultBridgeLimits } from '../../src/bridge/bridge-deps';
import { bridgeRoutes } from '../../src/bridge/bridge-routes';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { describeEachDatabase } from '../store/helpers/test-databases';
import {
  type BridgeHarness,
  messageBody,
  seedBridgeLink,
  signingSecretOfSeeded,
  startBridgeHarness,
} from './helpers/bridge-harness';

async function expectLimited(res: Response, retryAfter: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
}

describe('bridge rate limit', () => {
  let h: BridgeHarness;
  afterEach(async () => {
    await h.close();
  });

  it('is generous by default: 200 requests of one link within one second pass', async () => {
    expect(defaultBridgeLimits.requestsPerSecond).toBe(200);
    h = await startBridgeHarness();
    const statuses = [];
    for (let i = 0; i < 200; i++)
      statuses.push((await h.post('/bridge/v1/messages', messageBody({ id: `m-${i}` }))).status);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    await expectLimited(await h.get('/bridge/v1/me'), 1);
  });

  it('counts every endpoint of one key, answers 429 with Retry-After, and frees the next second', async () => {
    h = await startBridgeHarness({ limits: { requestsPerSecond: 3 } });
    h.clock.now = Math.floor(h.clock.now / 1000) * 1000 + 250;
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    expect((await h.get('/bridge/v1/me')).status).toBe(200);
    expect((await h.get('/bridge/v1/messages/m-1')).status).toBe(200);
    const limited = await h.post('/bridge/v1/messages', messageBody({ id: 'm-2' }));
    await expectLimited(limited, 1);
    // Refused before the body was read: nothing was queued for it.
    expect(await h.jobs()).toHaveLength(1);
    // Another link has its own allowance; a request without a valid key is a 401, never counted.
    expect((await h.get('/bridge/v1/me', h.b.apiKey)).status).toBe(200);
    expect((await h.get('/bridge/v1/me', 'ck_wrong')).status).toBe(401);
    h.clock.now += 750;
    expect((await h.post('/bridge/v1/messages', messageBody({ id: 'm-2' }))).status).toBe(202);
  });

  it('counts nothing with requestsPerSecond: Infinity', async () => {
    h = await startBridgeHarness({ limits: { requestsPerSecond: Number.POSITIVE_INFINITY } });
    for (let i = 0; i < 3; i++) expect((await h.get('/bridge/v1/me')).status).toBe(200);
    expect(await h.db.selectFrom('rateLimits').selectAll().execute()).toEqual([]);
  });
});

describeEachDatabase('bridge rate limit across instances', (t) => {
  it.skipIf(!t.openAnother)('two app instances on one database share one allowance per key', async () => {
    const other = await t.openAnother?.();
    if (!other) return;
    const now = 1_767_225_600_000;
    const link = await seedBridgeLink(t.db, now);
    const logger = createLogger({ level: 'silent' });
    const instance = (db: BridgeDeps['db']) =>
      createApp({
        logger,
        metrics: createMetrics(),
        readiness: async () => ({ ok: true, checks: {} }),
        routes: [
          bridgeRoutes({
            db,
            now: () => now,
            logger,
            signingSecretOf: signingSecretOfSeeded,
            limits: { requestsPerSecond: 4 },
          }),
        ],
      });
    const apps = [instance(t.db), instance(other.db)];
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await apps[i % 2]?.request('/bridge/v1/me', { headers: { authorization: `Bearer ${link.apiKey}` } });
      statuses.push(res?.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
