import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../../src/bridge/verify-bridge-delivery';
import { bridgeMe, bridgeMessageStatus } from '../../src/contracts/bridge';
import {
  type BridgeHarness,
  messageBody,
  recordManagerMessage,
  signingSecretOfSeeded,
  startBridgeHarness,
} from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness();
});
afterEach(async () => {
  await h.close();
});

const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

describe('GET /bridge/v1/me', () => {
  it('names the link of the key: title, account and webhook URL', async () => {
    const res = await h.get('/bridge/v1/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(z.safeParse(bridgeMe, body).success).toBe(true);
    expect(body).toEqual({
      title: expect.stringMatching(/^Shop \d+$/),
      account: { id: h.a.accountId, subdomain: expect.stringMatching(/^shop\d+$/), region: 'ru' },
      webhook_url: expect.stringMatching(/^https:\/\/messenger\.example\/hooks\/\d+$/),
    });
    const other = (await (await h.get('/bridge/v1/me', h.b.apiKey)).json()) as { account: { id: number } };
    expect(other.account.id).toBe(h.b.accountId);
  });

  it('signs the answer for its own purpose, so the messenger can check its signing secret', async () => {
    const res = await h.get('/bridge/v1/me');
    const raw = new Uint8Array(await res.arrayBuffer());
    const check = (secret: string, now = Math.floor(h.clock.now / 1000)) =>
      verifyBridgeDelivery({
        secrets: [secret],
        timestamp: res.headers.get('x-channel-timestamp'),
        signature: res.headers.get('x-channel-response-signature'),
        body: raw,
        now,
        context: 'response',
      });
    expect(res.headers.get('x-channel-timestamp')).toBe(String(Math.floor(h.clock.now / 1000)));
    expect(check(signingSecretOfSeeded({ accountId: h.a.accountId }))).toBe('ok');
    expect(check(signingSecretOfSeeded({ accountId: h.b.accountId }))).toBe('mismatch');
    expect(check('cs_stale')).toBe('mismatch');
    expect(check(signingSecretOfSeeded({ accountId: h.a.accountId }), Math.floor(h.clock.now / 1000) + 301)).toBe(
      'stale',
    );
    // Anyone with the API key can fetch this answer: replayed to the messenger's webhook, it is no delivery.
    expect(res.headers.get('x-channel-signature')).toBeNull();
    const asDelivery = verifyBridgeDelivery({
      secrets: [signingSecretOfSeeded({ accountId: h.a.accountId })],
      timestamp: res.headers.get('x-channel-timestamp'),
      signature: res.headers.get('x-channel-response-signature'),
      body: raw,
      now: Math.floor(h.clock.now / 1000),
    });
    expect(asDelivery).toBe('mismatch');
  });

  it('answers 401 without a key or with a wrong one, 404 not_linked for an unlinked account, 405 for POST', async () => {
    expect(await errorOf(await h.app.request('/bridge/v1/me'))).toEqual([401, 'auth_missing']);
    expect(await errorOf(await h.get('/bridge/v1/me', 'ck_wrong'))).toEqual([401, 'auth_invalid']);
    await sql`update links set scope_id = null where id = ${h.a.id}`.execute(h.db);
    expect(await errorOf(await h.get('/bridge/v1/me'))).toEqual([404, 'not_linked']);
    const post = await h.post('/bridge/v1/me', {});
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
  });
});

describe('GET /bridge/v1/messages/{id}', () => {
  it('answers queued for a client message accepted but not yet at amoCRM', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const res = await h.get('/bridge/v1/messages/m-1');
    const body = await res.json();
    expect([res.status, body]).toEqual([200, { id: 'm-1', status: 'queued' }]);
    expect(z.safeParse(bridgeMessageStatus, body).success).toBe(true);
  });

  it('is 404 for an unknown id, another link’s message and a manager message', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    await recordManagerMessage(h, { amojoMsgId: 'amojo-out-1', messengerId: 'mm-1' });
    expect(await errorOf(await h.get('/bridge/v1/messages/m-2'))).toEqual([404, 'not_found']);
    expect(await errorOf(await h.get('/bridge/v1/messages/m-1', h.b.apiKey))).toEqual([404, 'not_found']);
    expect(await errorOf(await h.get('/bridge/v1/messages/mm-1'))).toEqual([404, 'not_found']);
    expect(await errorOf(await h.app.request('/bridge/v1/messages/m-1'))).toEqual([401, 'auth_missing']);
  });
});
