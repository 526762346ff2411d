import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'zod/mini';
import {
  linkDeleteResponseSchema,
  linkErrorBodySchema,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
} from '../../../src/contracts/link';
import { openLinkSecrets } from '../../../src/server/routes/widget-link/link-secrets';
import { verifyApiKey } from '../../../src/store/api-key-hash';
import { findLinkByAccountId, setLinkParked } from '../../../src/store/links-repo';
import { recordLogs } from '../helpers/record-logs';
import { resetMidBody } from '../helpers/reset-mid-body';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  ADMIN_USER_ID,
  CHANNEL_ID,
  type Harness,
  mintToken,
  startHarness,
  type TestAccount,
  WEBHOOK_URL,
} from './widget-link/harness';

const LINK = '/api/widget/link';

/** The unlinked status an admin of an active installation sees. */
const unlinkedFor = (account: TestAccount) => ({
  state: 'unlinked',
  account: { id: account.accountId, subdomain: account.subdomain },
  installation: { state: 'active' },
  viewer: { user_id: ADMIN_USER_ID, is_admin: true },
});

function expectError(result: { status: number; json: unknown }, status: number, code: string) {
  expect(result.status).toBe(status);
  expect(parse(linkErrorBodySchema, result.json).error.code).toBe(code);
}

describe('widget link routes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('reports an unknown account as unlinked, naming the account from the token', async () => {
    const result = await h.call('GET', LINK);
    expect(result.status).toBe(200);
    expect(parse(linkStatusSchema, result.json)).toEqual(unlinkedFor(ACCOUNT_A));
  });

  it('links: connects at amojo with hook_api_version v2, stores the scope and shows credentials once', async () => {
    const result = await h.link(ACCOUNT_A, { time_window_disabled: true });
    expect(result.status).toBe(201);
    const body = parse(linkPutResponseSchema, result.json);
    if (!body.created) throw new Error('expected a new link');

    expect(h.emulator.listConnections()).toEqual([
      expect.objectContaining({
        scopeId: `${CHANNEL_ID}_${ACCOUNT_A.amojoId}`,
        accountId: ACCOUNT_A.amojoId,
        title: 'shopa chat',
        hookApiVersion: 'v2',
        isTimeWindowDisabled: true,
        connected: true,
      }),
    ]);
    expect(h.amojoRegions).toEqual(['ru']);
    expect(body.status).toMatchObject({
      state: 'linked',
      account: { id: ACCOUNT_A.accountId, subdomain: 'shopa' },
      installation: { state: 'active' },
      viewer: { user_id: ADMIN_USER_ID, is_admin: true },
      connected: true,
      amojo_id: ACCOUNT_A.amojoId,
      title: 'shopa chat',
      webhook_url: WEBHOOK_URL,
      time_window_disabled: true,
      created_at: '2026-03-02T10:00:00.000Z',
    });
    expect(body.credentials.api_key.startsWith(body.status.api_key_hint)).toBe(true);
    expect(body.status.api_key_hint.length).toBeLessThan(body.credentials.api_key.length / 3);

    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(stored?.scopeId).toBe(`${CHANNEL_ID}_${ACCOUNT_A.amojoId}`);
    // The key is kept only as a hash and the signing secret only sealed.
    expect(stored?.bridgeKeyHash).not.toContain(body.credentials.api_key);
    expect(verifyApiKey(body.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
    expect(stored?.signingSecretEnc).not.toContain(body.credentials.signing_secret);
    expect(
      openLinkSecrets(h.secretBox, { accountId: ACCOUNT_A.accountId, signingSecretEnc: stored?.signingSecretEnc ?? '' })
        .signingSecret,
    ).toBe(body.credentials.signing_secret);

    const status = await h.call('GET', LINK);
    expect(parse(linkStatusSchema, status.json)).toEqual(body.status);
    expect(JSON.stringify(status.json)).not.toContain(body.credentials.api_key);
  });

  it('derives the amojo region from the token issuer', async () => {
    const token = await mintToken(h.clock.now, { domain: 'kommo.com' });
    const result = await h.call('PUT', LINK, { token, body: h.linkBody() });
    expect(result.status).toBe(201);
    expect(h.amojoRegions).toEqual(['kommo']);
  });

  it('updates an existing link without new credentials and reconnects with the new title and time window', async () => {
    const first = parse(linkPutResponseSchema, (await h.link()).json);
    if (!first.created) throw new Error('expected a new link');
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const result = await h.link(ACCOUNT_A, {
      title: 'Renamed',
      webhook_url: 'https://messenger.example.com/v2/hook',
      time_window_disabled: true,
    });
    expect(result.status).toBe(200);
    const body = parse(linkPutResponseSchema, result.json);
    expect(body.created).toBe(false);
    expect('credentials' in body).toBe(false);
    expect(body.status).toMatchObject({
      title: 'Renamed',
      webhook_url: 'https://messenger.example.com/v2/hook',
      time_window_disabled: true,
      api_key_hint: first.status.api_key_hint,
      created_at: '2026-03-02T10:00:00.000Z',
      updated_at: '2026-03-02T10:01:00.000Z',
    });
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Renamed', isTimeWindowDisabled: true });
    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(verifyApiKey(first.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
  });

  it('unlinks: disconnects at amojo and purges credentials; repeating it is harmless', async () => {
    await h.link();
    const result = await h.call('DELETE', LINK);
    expect(result.status).toBe(200);
    expect(parse(linkDeleteResponseSchema, result.json)).toEqual({ status: unlinkedFor(ACCOUNT_A) });
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(stored).toMatchObject({ scopeId: null, bridgeKeyHash: null, signingSecretEnc: null, webhookUrl: null });

    const again = await h.call('DELETE', LINK);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(result.json);
    expect((await h.call('GET', LINK)).json.state).toBe('unlinked');
  });

  it('re-links after unlinking with a fresh scope and fresh credentials; the old key is dead', async () => {
    const first = parse(linkPutResponseSchema, (await h.link()).json);
    if (!first.created) throw new Error('expected a new link');
    await h.call('DELETE', LINK);
    const again = await h.link();
    expect(again.status).toBe(201);
    const body = parse(linkPutResponseSchema, again.json);
    if (!body.created) throw new Error('expected credentials on re-link');
    expect(body.credentials.api_key).not.toBe(first.credentials.api_key);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(stored?.scopeId).toBe(`${CHANNEL_ID}_${ACCOUNT_A.amojoId}`);
    expect(verifyApiKey(first.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(false);
    expect(verifyApiKey(body.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
  });

  it('reconnects on Save a link an uninstall parked and disconnected, before the reinstall’s own reconnect', async () => {
    await h.link();
    // Uninstalling the integration disconnects the channel at amojo (chats-api.md §1.2), and the disconnect hook
    // parks the link. An unchanged Save on a live, unparked link calls amojo no more (put-link-connect.test.ts).
    await setLinkParked(h.db, ACCOUNT_A.accountId, true, h.clock.now.getTime());
    await h.amojoClient().disconnect({ account_id: ACCOUNT_A.amojoId });
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
    const result = await h.link();
    expect(result.status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
  });

  it('rotates: new key and secret, the old key stops verifying at once', async () => {
    const first = parse(linkPutResponseSchema, (await h.link()).json);
    if (!first.created) throw new Error('expected a new link');
    const result = await h.call('POST', `${LINK}/rotate`, { body: {} });
    expect(result.status).toBe(200);
    const rotated = parse(linkRotateResponseSchema, result.json);
    expect(rotated.credentials.api_key).not.toBe(first.credentials.api_key);
    expect(rotated.credentials.signing_secret).not.toBe(first.credentials.signing_secret);
    expect(rotated.credentials.api_key.startsWith(rotated.status.api_key_hint)).toBe(true);
    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(verifyApiKey(first.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(false);
    expect(verifyApiKey(rotated.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
  });

  it('answers not_linked to rotate and test without a live link', async () => {
    expectError(await h.call('POST', `${LINK}/rotate`, { body: {} }), 404, 'not_linked');
    expectError(await h.call('POST', `${LINK}/test`, { body: {} }), 404, 'not_linked');
    await h.link();
    await h.call('DELETE', LINK);
    expectError(await h.call('POST', `${LINK}/rotate`, { body: {} }), 404, 'not_linked');
  });

  it('never shows or changes one account’s link to another account', async () => {
    const a = parse(linkPutResponseSchema, (await h.link(ACCOUNT_A)).json);
    if (!a.created) throw new Error('expected a new link');

    const statusB = await h.call('GET', LINK, { account: ACCOUNT_B });
    expect(statusB.json).toEqual(unlinkedFor(ACCOUNT_B));
    expectError(await h.call('POST', `${LINK}/rotate`, { account: ACCOUNT_B }), 404, 'not_linked');
    expectError(await h.call('POST', `${LINK}/test`, { account: ACCOUNT_B }), 404, 'not_linked');
    expect((await h.call('DELETE', LINK, { account: ACCOUNT_B })).status).toBe(200);
    // B naming A's amojo id is refused before amojo is called (amoCRM reports another for B), and A's link is untouched.
    expectError(await h.link(ACCOUNT_B, { amojo_id: ACCOUNT_A.amojoId }), 403, 'amojo_id_mismatch');

    const stored = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    expect(stored?.scopeId).not.toBeNull();
    expect(verifyApiKey(a.credentials.api_key, stored?.bridgeKeyHash ?? '')).toBe(true);
    expect(h.emulator.listConnections()).toHaveLength(1);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
    expect((await h.call('GET', LINK)).json).toEqual(a.status);
  });

  it('compares amojo ids in lower case: the same id in upper case is the same link, and still refused to others', async () => {
    expect((await h.link(ACCOUNT_A, { amojo_id: ACCOUNT_A.amojoId.toUpperCase() })).status).toBe(201);
    const again = await h.link(ACCOUNT_A, { amojo_id: ACCOUNT_A.amojoId });
    expect(again.status).toBe(200);
    expect(parse(linkPutResponseSchema, again.json).status.amojo_id).toBe(ACCOUNT_A.amojoId);
    expectError(await h.link(ACCOUNT_B, { amojo_id: ACCOUNT_A.amojoId.toUpperCase() }), 403, 'amojo_id_mismatch');
    expect(h.emulator.listConnections().map((c) => c.accountId)).toEqual([ACCOUNT_A.amojoId]);
  });

  it('keeps an amojo id bound to its account even after that account unlinked', async () => {
    await h.link(ACCOUNT_A);
    await h.call('DELETE', LINK);
    expectError(await h.link(ACCOUNT_B, { amojo_id: ACCOUNT_A.amojoId }), 403, 'amojo_id_mismatch');
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
  });

  it('answers amojo_id_taken, naming the operator command, to a stale claim on the account’s own amojo id', async () => {
    // Before installations were checked, B could bind A's amojo id: B's installation said so at the time.
    await h.install(ACCOUNT_B, {}, ACCOUNT_A.amojoId);
    expect((await h.link(ACCOUNT_B, { amojo_id: ACCOUNT_A.amojoId })).status).toBe(201);
    const result = await h.link(ACCOUNT_A);
    expectError(result, 409, 'amojo_id_taken');
    expect(result.json.error.message).toContain(`npm run accounts -- release-amojo ${ACCOUNT_A.amojoId}`);
    expect(h.emulator.listConnections().map((c) => c.accountId)).toEqual([ACCOUNT_A.amojoId]);
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toBeUndefined();
  });

  it('refuses to switch an account to another amojo id (amojo_id_mismatch) without calling amojo', async () => {
    await h.link(ACCOUNT_A);
    const result = await h.link(ACCOUNT_A, { amojo_id: ACCOUNT_B.amojoId });
    expectError(result, 403, 'amojo_id_mismatch');
    expect(h.emulator.listConnections().map((c) => c.accountId)).toEqual([ACCOUNT_A.amojoId]);
  });

  it('maps amojo 503 to channel_unavailable with Retry-After and leaves only a pending link, shown as unlinked', async () => {
    h.emulator.misbehave({ status: 503, retryAfter: 42, count: 1 });
    const result = await h.link();
    expectError(result, 503, 'channel_unavailable');
    expect(result.headers.get('retry-after')).toBe('42');
    // Written before the connect, so hooks amojo sends at once are accepted; never shown, since its key never was.
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toMatchObject({ pending: true });
    expect(parse(linkStatusSchema, (await h.call('GET', LINK)).json)).toMatchObject({ state: 'unlinked' });
    expectError(await h.call('POST', `${LINK}/rotate`, { body: {} }), 404, 'not_linked');
    // The next attempt goes through and issues credentials: the failure was not cached anywhere.
    const retried = parse(linkPutResponseSchema, (await h.link()).json);
    expect(retried.created).toBe(true);
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toMatchObject({ pending: false });
  });

  it('gives channel_unavailable a default Retry-After when amojo sent none', async () => {
    h.emulator.misbehave({ status: 502, count: 1 });
    const result = await h.link();
    expectError(result, 503, 'channel_unavailable');
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('maps an amojo refusal (bad signature) to channel_rejected', async () => {
    h.amojo.secret = '0000000000000000000000000000000000000000';
    const result = await h.link();
    expectError(result, 502, 'channel_rejected');
    expect(result.headers.get('retry-after')).toBeNull();
    expect(h.emulator.listConnections()).toEqual([]);
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toMatchObject({ pending: true });
    expect(parse(linkStatusSchema, (await h.call('GET', LINK)).json)).toMatchObject({ state: 'unlinked' });
  });

  it('maps an unknown channel (amojo 404) to channel_rejected', async () => {
    h.amojo.channelId = '11111111-2222-4333-8444-555555555555';
    expectError(await h.link(), 502, 'channel_rejected');
  });

  it('keeps the link when amojo disconnect fails, so the admin can retry', async () => {
    await h.link();
    h.emulator.misbehave({ status: 500, count: 1 });
    expectError(await h.call('DELETE', LINK), 503, 'channel_unavailable');
    expect((await findLinkByAccountId(h.db, ACCOUNT_A.accountId))?.scopeId).not.toBeNull();
    expect((await h.call('DELETE', LINK)).status).toBe(200);
    expect((await findLinkByAccountId(h.db, ACCOUNT_A.accountId))?.scopeId).toBeNull();
  });

  it('refuses a title the database could not keep with 400 naming it, and connects nothing', async () => {
    const result = await h.link(ACCOUNT_A, { title: 'shop\u0000chat' });
    expectError(result, 400, 'invalid_request');
    expect(JSON.stringify(result.json)).toContain('"title"');
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('answers 405 with Allow for a method a path does not take', async () => {
    const result = await h.call('POST', LINK, { body: {} });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, PUT, DELETE');
  });
});

describe('widget link routes over node:http', () => {
  it('logs a client that resets mid-body (no token needed) at debug, never at error', async () => {
    const { logger, entries } = recordLogs();
    const h = await startHarness({ deps: { logger } });
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      await resetMidBody(server, 'PUT', LINK);
      await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain('client went away mid-request'));
      expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    }
  });
});
