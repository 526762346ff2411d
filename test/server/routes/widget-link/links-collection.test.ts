import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { signBridgeDelivery } from '../../../../src/bridge/sign-bridge-delivery';
import {
  linkIssuedResponseSchema,
  linkItemResponseSchema,
  linkListResponseSchema,
  linkRemovedResponseSchema,
  linkTestResponseSchema,
} from '../../../../src/contracts/link';
import { verifyApiKey } from '../../../../src/store/api-key-hash';
import { createLink, findLinkById, listAccountLinks } from '../../../../src/store/links-repo';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  CHANNEL_ID,
  expectError,
  grantUrlOf,
  type Harness,
  MANAGER_USER_ID,
  startHarness,
  startReceiver,
  type TestAccount,
  WEBHOOK_URL,
} from './harness';

const LINKS = '/api/widget/links';
const SYNC = 'amocrm.sync_source';
const SCOPE_A = `${CHANNEL_ID}_${ACCOUNT_A.amojoId}`;

const numberBody = (account: TestAccount, extra: Record<string, unknown>) => ({
  amojo_id: account.amojoId,
  title: 'Sales line',
  webhook_url: WEBHOOK_URL,
  time_window_disabled: false,
  pipeline_id: null,
  ...extra,
});

describe('the numbers of an account (/api/widget/links)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ channel: true });
  });
  afterEach(() => h.close());

  const create = (extra: Record<string, unknown> = {}, account: TestAccount = ACCOUNT_A) =>
    h.call('POST', LINKS, { account, body: numberBody(account, extra) });
  // Each change a moment after the last: the oldest number is the primary, and each change queues its own sync.
  const tick = () => {
    h.clock.now = new Date(h.clock.now.getTime() + 1000);
  };
  async function createdId(extra: Record<string, unknown> = {}): Promise<string> {
    tick();
    const result = await create(extra);
    expect(result.status).toBe(201);
    return parse(linkIssuedResponseSchema, result.json).link.id;
  }
  const syncedIds = async () => (await h.jobsOf(SYNC)).map((job) => job.payload.linkId);
  const update = (id: string, extra: Record<string, unknown> = {}) => {
    tick();
    return h.call('PUT', `${LINKS}/${id}`, {
      body: { title: 'Sales line', webhook_url: WEBHOOK_URL, time_window_disabled: false, pipeline_id: null, ...extra },
    });
  };
  const remove = (id: string) => {
    tick();
    return h.call('DELETE', `${LINKS}/${id}`);
  };

  it('creates a number: 201 with credentials shown once, the scope connected and its source sync queued', async () => {
    const result = await create({ time_window_disabled: true, pipeline_id: 3002 });
    expect(result.status).toBe(201);
    const body = parse(linkIssuedResponseSchema, result.json);
    expect(body.link).toMatchObject({
      title: 'Sales line',
      webhook_url: WEBHOOK_URL,
      time_window_disabled: true,
      pipeline_id: 3002,
      source: { state: 'pending' },
      connected: true,
    });
    expect(body.link.api_key_hint).toBe(body.credentials.api_key.slice(0, 10));
    const stored = await findLinkById(h.db, body.link.id);
    expect(stored).toMatchObject({ scopeId: SCOPE_A, pending: false, pipelineId: 3002 });
    expect(verifyApiKey(body.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
    expect(h.emulator.listConnections()).toEqual([
      expect.objectContaining({ scopeId: SCOPE_A, title: 'Sales line', isTimeWindowDisabled: true, connected: true }),
    ]);
    expect(await syncedIds()).toEqual([body.link.id]);
    expect(h.queued.count).toBe(1);

    const list = await h.call('GET', LINKS);
    expect(list.status).toBe(200);
    expect(parse(linkListResponseSchema, list.json)).toMatchObject({
      account: { id: ACCOUNT_A.accountId, subdomain: ACCOUNT_A.subdomain },
      installation: { state: 'active' },
      viewer: { is_admin: true },
      amojo_id: ACCOUNT_A.amojoId,
      links: [body.link],
      limit: 100,
    });
    expect(JSON.stringify(list.json)).not.toContain(body.credentials.api_key);
  });

  it('lists nothing for an account without numbers', async () => {
    const list = parse(linkListResponseSchema, (await h.call('GET', LINKS)).json);
    expect(list.links).toEqual([]);
    expect(list.amojo_id).toBeUndefined();
  });

  it('shares the scope: connect keeps the oldest number’s title and turns the window off if any number does', async () => {
    const first = await createdId({ title: 'First' });
    const second = await createdId({ title: 'Second', time_window_disabled: true, pipeline_id: 3002 });
    expect(h.emulator.listConnections()).toEqual([
      expect.objectContaining({ scopeId: SCOPE_A, title: 'First', isTimeWindowDisabled: true, connected: true }),
    ]);
    const list = parse(linkListResponseSchema, (await h.call('GET', LINKS)).json);
    expect(list.links.map((link) => [link.id, link.title, link.pipeline_id])).toEqual([
      [first, 'First', null],
      [second, 'Second', 3002],
    ]);
    expect(await syncedIds()).toEqual([first, second]);
  });

  it('refuses a pipeline that is archived or unknown with 422 pipeline_not_found, before amojo and the store', async () => {
    for (const pipelineId of [3003, 9999]) {
      const result = await create({ pipeline_id: pipelineId });
      expectError(result, 422, 'pipeline_not_found');
      expect(result.json.error.issues).toEqual([{ path: 'pipeline_id', message: expect.any(String) }]);
    }
    expect(h.emulator.listConnections()).toEqual([]);
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId)).toEqual([]);
  });

  it('accepts a pipeline made since the list was cached: an unknown id is asked of amoCRM afresh', async () => {
    expect((await h.call('GET', '/api/widget/pipelines')).status).toBe(200);
    h.amocrm.setAccount(ACCOUNT_A.accountId, {
      pipelines: [
        { id: 3001, name: 'Sales', sort: 1, is_main: true, is_archive: false },
        { id: 3004, name: 'New', sort: 2, is_main: false, is_archive: false },
      ],
    });
    expect((await create({ pipeline_id: 3004 })).status).toBe(201);
    expect(h.amocrm.callsOf('pipelines')).toHaveLength(2);
  });

  it('refuses the 101st live number with 409 link_limit_reached and makes room again after an unlink', async () => {
    await h.close();
    h = await startHarness({ channel: true, deps: { limits: { callsPerMinute: 1000 } } });
    for (let i = 0; i < 99; i++) {
      const seeded = await createLink(
        h.db,
        {
          accountId: ACCOUNT_A.accountId,
          subdomain: ACCOUNT_A.subdomain,
          region: 'ru',
          amojoId: ACCOUNT_A.amojoId,
          scopeId: SCOPE_A,
          title: `Number ${i}`,
          timeWindowDisabled: false,
          webhookUrl: WEBHOOK_URL,
          bridgeKeyHash: `hash-${i}`,
          signingSecretEnc: `sealed-${i}`,
          pending: false,
          pipelineId: null,
        },
        h.clock.now.getTime() + i,
      );
      expect(seeded.ok).toBe(true);
    }
    const hundredth = await createdId();
    const connects = h.amojoRegions.length;
    expectError(await create(), 409, 'link_limit_reached');
    expect(h.amojoRegions).toHaveLength(connects);
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId, { liveOnly: true })).toHaveLength(100);

    expect((await remove(hundredth)).status).toBe(200);
    expect((await create()).status).toBe(201);
  });

  it('updates a number: a new title or pipeline queues a source sync, a new webhook URL alone does not', async () => {
    const id = await createdId();
    const moved = await update(id, { webhook_url: 'https://messenger.example.com/v2' });
    expect(moved.status).toBe(200);
    expect(parse(linkItemResponseSchema, moved.json).link).toMatchObject({
      id,
      webhook_url: 'https://messenger.example.com/v2',
    });
    expect(await syncedIds()).toEqual([id]);

    const renamed = await update(id, { title: 'Renamed' });
    expect(parse(linkItemResponseSchema, renamed.json).link).toMatchObject({ title: 'Renamed' });
    const repiped = await update(id, { title: 'Renamed', pipeline_id: 3002 });
    expect(parse(linkItemResponseSchema, repiped.json).link).toMatchObject({ pipeline_id: 3002 });
    expect(await syncedIds()).toEqual([id, id, id]);
    expect(await findLinkById(h.db, id)).toMatchObject({ title: 'Renamed', pipelineId: 3002 });

    expectError(await update(id, { pipeline_id: 3003 }), 422, 'pipeline_not_found');
    expectError(await update(id, { webhook_url: 'http://messenger.example.com/x' }), 422, 'webhook_url_not_allowed');
    expect(await findLinkById(h.db, id)).toMatchObject({ pipelineId: 3002, webhookUrl: WEBHOOK_URL });
  });

  it('retries a source amoCRM refused on the next Save, even with nothing changed', async () => {
    const id = await createdId();
    await h.db.updateTable('links').set({ sourceState: 'failed', sourceError: 'invalid_request' }).execute();
    const listed = parse(linkListResponseSchema, (await h.call('GET', LINKS)).json).links[0];
    expect(listed?.source).toEqual({ state: 'failed', error: 'invalid_request' });
    expect((await update(id)).status).toBe(200);
    expect(await syncedIds()).toEqual([id, id]);
  });

  it('reconnects the scope when the oldest title or any time window changes, not for another number’s title', async () => {
    const first = await createdId({ title: 'First' });
    const second = await createdId({ title: 'Second' });
    const connects = h.amojoRegions.length;
    expect((await update(second, { title: 'Second renamed' })).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(connects);

    expect((await update(second, { title: 'Second renamed', time_window_disabled: true })).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(connects + 1);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'First', isTimeWindowDisabled: true });

    expect((await update(first, { title: 'Main' })).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(connects + 2);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Main', isTimeWindowDisabled: true });
  });

  it('leaves the number as it was when the reconnect fails', async () => {
    const id = await createdId({ title: 'First' });
    h.emulator.misbehave({ status: 500, count: 1 });
    expectError(await update(id, { title: 'Renamed' }), 503, 'channel_unavailable');
    expect(await findLinkById(h.db, id)).toMatchObject({ title: 'First' });
    expect(await syncedIds()).toEqual([id]);
  });

  it('unlinks numbers, disconnecting the scope only with the last one; DELETE repeats and queues the source removal', async () => {
    const first = await createdId({ title: 'First' });
    const second = await createdId({ title: 'Second' });

    const removed = await remove(first);
    expect(removed.status).toBe(200);
    expect(parse(linkRemovedResponseSchema, removed.json)).toEqual({ id: first, removed: true });
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
    expect(await findLinkById(h.db, first)).toMatchObject({ scopeId: null, bridgeKeyHash: null, webhookUrl: null });
    expect(await syncedIds()).toEqual([first, second, first]);
    const list = parse(linkListResponseSchema, (await h.call('GET', LINKS)).json);
    expect(list.links.map((link) => link.id)).toEqual([second]);

    expect((await remove(first)).json).toEqual({ id: first, removed: true });
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);

    expect((await remove(second)).status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
    expect(await syncedIds()).toEqual([first, second, first, second]);
  });

  it('repeats the source removal on a repeated DELETE while amoCRM still holds the source', async () => {
    const id = await createdId();
    expect((await remove(id)).status).toBe(200);
    await h.db.updateTable('links').set({ sourceId: 777 }).where('id', '=', id).execute();
    expect((await remove(id)).status).toBe(200);
    expect(await syncedIds()).toEqual([id, id, id]);
  });

  it('keeps the last number when amojo disconnect fails, so the admin can retry', async () => {
    const id = await createdId();
    h.emulator.misbehave({ status: 500, count: 1 });
    expectError(await remove(id), 503, 'channel_unavailable');
    expect(await findLinkById(h.db, id)).toMatchObject({ scopeId: SCOPE_A });
    expect((await remove(id)).status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
  });

  it('drops a new number whose connect failed instead of keeping it pending', async () => {
    h.emulator.misbehave({ status: 500, count: 1 });
    expectError(await create(), 503, 'channel_unavailable');
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId, { liveOnly: true })).toEqual([]);
    expect(await syncedIds()).toEqual([]);
  });

  it('rotates one number: new credentials once, its old key dies, the other number keeps its key', async () => {
    const first = await createdId({ title: 'First' });
    const second = await createdId({ title: 'Second' });
    const before = await findLinkById(h.db, second);
    const oldHash = (await findLinkById(h.db, first))?.bridgeKeyHash;
    const rotated = await h.call('POST', `${LINKS}/${first}/rotate`);
    expect(rotated.status).toBe(200);
    const body = parse(linkIssuedResponseSchema, rotated.json);
    expect(body.link.id).toBe(first);
    const after = await findLinkById(h.db, first);
    expect(after?.bridgeKeyHash).not.toBe(oldHash);
    expect(verifyApiKey(body.credentials.api_key, after?.bridgeKeyHash ?? '')).toBe(true);
    expect((await findLinkById(h.db, second))?.bridgeKeyHash).toBe(before?.bridgeKeyHash);
  });

  it('answers 404 link_not_found for an unknown id and another account’s number, on every route by id', async () => {
    const id = await createdId();
    const routes = (target: string) =>
      [
        ['GET', `${LINKS}/${target}`, undefined],
        [
          'PUT',
          `${LINKS}/${target}`,
          { title: 'x', webhook_url: WEBHOOK_URL, time_window_disabled: false, pipeline_id: null },
        ],
        ['DELETE', `${LINKS}/${target}`, undefined],
        ['POST', `${LINKS}/${target}/rotate`, undefined],
        ['POST', `${LINKS}/${target}/test`, undefined],
      ] as const;
    for (const [method, path, body] of routes(id)) {
      expectError(await h.call(method, path, { account: ACCOUNT_B, body }), 404, 'link_not_found');
    }
    for (const [method, path, body] of routes('00000000-0000-4000-8000-000000000000')) {
      expectError(await h.call(method, path, { body }), 404, 'link_not_found');
    }
    expect(await findLinkById(h.db, id)).toMatchObject({ scopeId: SCOPE_A, title: 'Sales line' });
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);

    // An unlinked number is gone for reading and changing; DELETE stays repeatable.
    expect((await remove(id)).status).toBe(200);
    for (const [method, path, body] of routes(id).filter(([method]) => method !== 'DELETE')) {
      expectError(await h.call(method, path, { body }), 404, 'link_not_found');
    }
  });

  it('lets any user of the account read the numbers, without webhook URLs; only admins change them', async () => {
    const id = await createdId();
    const asManager = { userId: MANAGER_USER_ID };
    const list = parse(linkListResponseSchema, (await h.call('GET', LINKS, asManager)).json);
    expect(list.viewer).toEqual({ user_id: MANAGER_USER_ID, is_admin: false });
    expect(list.links[0]?.webhook_url).toBeUndefined();
    const one = await h.call('GET', `${LINKS}/${id}`, asManager);
    expect(one.status).toBe(200);
    expect(parse(linkItemResponseSchema, one.json).link.webhook_url).toBeUndefined();
    expect(parse(linkItemResponseSchema, (await h.call('GET', `${LINKS}/${id}`)).json).link.webhook_url).toBe(
      WEBHOOK_URL,
    );

    const update = { title: 'x', webhook_url: WEBHOOK_URL, time_window_disabled: false, pipeline_id: null };
    expectError(await h.call('POST', LINKS, { ...asManager, body: numberBody(ACCOUNT_A, {}) }), 403, 'admin_required');
    expectError(await h.call('PUT', `${LINKS}/${id}`, { ...asManager, body: update }), 403, 'admin_required');
    expectError(await h.call('DELETE', `${LINKS}/${id}`, asManager), 403, 'admin_required');
    expectError(await h.call('POST', `${LINKS}/${id}/rotate`, asManager), 403, 'admin_required');
    expectError(await h.call('POST', `${LINKS}/${id}/test`, asManager), 403, 'admin_required');
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId, { liveOnly: true })).toHaveLength(1);
  });

  it('gates a new number on the installation, the amojo id, the body and the webhook URL policy', async () => {
    expectError(await create({ amojo_id: ACCOUNT_B.amojoId }), 403, 'amojo_id_mismatch');
    expectError(await create({ webhook_url: 'http://messenger.example.com/x' }), 422, 'webhook_url_not_allowed');
    expectError(await create({ webhook_url: 'https://10.0.0.1/x' }), 422, 'webhook_url_not_allowed');
    expectError(await create({ title: 'a\u0000b' }), 400, 'invalid_request');
    expectError(await create({ extra: 1 }), 400, 'invalid_request');
    expectError(await create({ pipeline_id: 0 }), 400, 'invalid_request');
    expectError(await h.call('POST', LINKS, { body: numberBody(ACCOUNT_A, {}), token: null }), 401, 'auth_missing');
    expect(h.emulator.listConnections()).toEqual([]);

    await h.install(ACCOUNT_A, { state: 'removed' });
    const refused = await create();
    expectError(refused, 409, 'account_not_installed');
    expect(refused.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId)).toEqual([]);
  });

  it('refuses an amojo id another account holds with 409 amojo_id_taken', async () => {
    // Only a claim made before installations were checked can hold another account's amojo id.
    const claim = await createLink(
      h.db,
      {
        accountId: ACCOUNT_B.accountId,
        subdomain: ACCOUNT_B.subdomain,
        region: 'ru',
        amojoId: ACCOUNT_A.amojoId,
        scopeId: null,
        title: 'old claim',
        timeWindowDisabled: false,
        webhookUrl: WEBHOOK_URL,
        bridgeKeyHash: 'claim-hash',
        signingSecretEnc: 'claim-sealed',
        pipelineId: null,
      },
      h.clock.now.getTime(),
    );
    expect(claim.ok).toBe(true);
    expectError(await create(), 409, 'amojo_id_taken');
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('counts POST and PUT against the account’s stored limit', async () => {
    await h.close();
    h = await startHarness({ channel: true, deps: { limits: { callsPerMinute: 2 } } });
    const id = await createdId();
    expect((await update(id, { title: 'Renamed' })).status).toBe(200);
    expectError(await create(), 429, 'rate_limited');
    expectError(await update(id), 429, 'rate_limited');
    // GET and DELETE stay open.
    expect((await h.call('GET', LINKS)).status).toBe(200);
    expect((await remove(id)).status).toBe(200);
  });

  it('answers 405 with Allow for a method a path does not take', async () => {
    const result = await h.call('PATCH', `${LINKS}/x`, { body: {} });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect((await h.call('DELETE', LINKS)).headers.get('allow')).toBe('GET, POST');
    expect((await h.call('POST', '/api/widget/pipelines', { body: {} })).headers.get('allow')).toBe('GET');
  });
});

describe('the test event of one number', () => {
  it('goes to that number’s own webhook URL, signed', async () => {
    const h = await startHarness({ sandbox: true, channel: true });
    const first = await startReceiver();
    const second = await startReceiver();
    try {
      const make = async (url: string) => {
        const result = await h.call('POST', LINKS, { body: numberBody(ACCOUNT_A, { webhook_url: url }) });
        expect(result.status).toBe(201);
        return parse(linkIssuedResponseSchema, result.json);
      };
      await make(first.url);
      const { link, credentials } = await make(second.url);
      const id = link.id;
      const result = await h.call('POST', `${LINKS}/${id}/test`);
      expect(result.status).toBe(200);
      expect(parse(linkTestResponseSchema, result.json)).toMatchObject({ outcome: 'delivered', http_status: 200 });
      expect(first.received).toHaveLength(0);
      expect(second.received).toHaveLength(1);
      const delivery = second.received[0];
      const timestamp = Number(delivery?.headers['x-channel-timestamp']);
      expect(delivery?.headers['x-channel-signature']).toEqual(
        signBridgeDelivery({ secret: credentials.signing_secret, timestamp, body: delivery?.raw ?? Buffer.alloc(0) })[
          'X-Channel-Signature'
        ],
      );
    } finally {
      await first.close();
      await second.close();
      await h.close();
    }
  });
});
