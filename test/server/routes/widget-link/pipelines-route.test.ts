import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { pipelineListResponseSchema } from '../../../../src/contracts/link';
import { ACCOUNT_A, expectError, grantUrlOf, type Harness, MANAGER_USER_ID, startHarness } from './harness';

const PIPELINES = '/api/widget/pipelines';

describe('GET /api/widget/pipelines', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('lists the active pipelines only, for any user of the account', async () => {
    const result = await h.call('GET', PIPELINES, { userId: MANAGER_USER_ID });
    expect(result.status).toBe(200);
    // The fake's defaults: main "Sales", "Support", and "Old leads", which is archived.
    expect(parse(pipelineListResponseSchema, result.json)).toEqual({
      pipelines: [
        { id: 3001, name: 'Sales', is_main: true },
        { id: 3002, name: 'Support', is_main: false },
      ],
    });
  });

  it('puts the main pipeline first, then follows amoCRM’s sort, whatever order amoCRM lists them in', async () => {
    h.amocrm.setAccount(ACCOUNT_A.accountId, {
      pipelines: [
        { id: 10, name: 'Late', sort: 30, is_main: false, is_archive: false },
        { id: 11, name: 'Archived', sort: 1, is_main: false, is_archive: true },
        { id: 12, name: 'Early', sort: 10, is_main: false, is_archive: false },
        { id: 13, name: 'Main', sort: 20, is_main: true, is_archive: false },
      ],
    });
    const { pipelines } = parse(pipelineListResponseSchema, (await h.call('GET', PIPELINES)).json);
    expect(pipelines.map((pipeline) => pipeline.id)).toEqual([13, 12, 10]);
  });

  it('asks amoCRM once a minute per account at most', async () => {
    await h.call('GET', PIPELINES);
    h.amocrm.setAccount(ACCOUNT_A.accountId, {
      pipelines: [{ id: 20, name: 'Renamed', sort: 1, is_main: true, is_archive: false }],
    });
    const cached = parse(pipelineListResponseSchema, (await h.call('GET', PIPELINES)).json);
    expect(cached.pipelines.map((pipeline) => pipeline.id)).toEqual([3001, 3002]);
    expect(h.amocrm.callsOf('pipelines')).toHaveLength(1);

    h.clock.now = new Date(h.clock.now.getTime() + 60_001);
    const fresh = parse(pipelineListResponseSchema, (await h.call('GET', PIPELINES)).json);
    expect(fresh.pipelines).toEqual([{ id: 20, name: 'Renamed', is_main: true }]);
    expect(h.amocrm.callsOf('pipelines')).toHaveLength(2);
  });

  it('answers 409 account_not_installed without asking amoCRM when there is no installation', async () => {
    await h.install(ACCOUNT_A, { state: 'removed' });
    const result = await h.call('GET', PIPELINES);
    expectError(result, 409, 'account_not_installed');
    expect(result.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));
    expect(h.amocrm.callsOf('pipelines')).toHaveLength(0);
  });

  it('maps amoCRM’s failures to the link API’s codes, never a 500, and keeps no failure in the cache', async () => {
    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'upstream_error', method: 'pipelines', times: 1 });
    const down = await h.call('GET', PIPELINES);
    expectError(down, 503, 'channel_unavailable');
    expect(down.headers.get('retry-after')).toBe('15');

    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'rate_limited', method: 'pipelines', times: 1, retryAfterMs: 2500 });
    const limited = await h.call('GET', PIPELINES);
    expectError(limited, 503, 'channel_unavailable');
    expect(limited.headers.get('retry-after')).toBe('3');

    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'unauthorized', method: 'pipelines', times: 1 });
    const revoked = await h.call('GET', PIPELINES);
    expectError(revoked, 409, 'account_not_installed');
    expect(revoked.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));

    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'payment_required', method: 'pipelines', times: 1 });
    expectError(await h.call('GET', PIPELINES), 502, 'channel_rejected');

    expect((await h.call('GET', PIPELINES)).status).toBe(200);
    expect(h.amocrm.callsOf('pipelines')).toHaveLength(5);
  });

  it('checks a new number’s pipeline against amoCRM and maps its failure the same way', async () => {
    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'timeout', method: 'pipelines', times: 1 });
    const body = { ...h.linkBody(), pipeline_id: 3002 };
    expectError(await h.call('POST', '/api/widget/links', { body }), 503, 'channel_unavailable');
    expect(h.emulator.listConnections()).toEqual([]);
    expect((await h.call('POST', '/api/widget/links', { body })).status).toBe(201);
  });
});
