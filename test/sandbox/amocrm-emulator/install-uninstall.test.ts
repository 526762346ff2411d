import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError } from '../../../src/sandbox/control-api/control-error';
import {
  ADMIN,
  CLIENT_ID,
  CLIENT_SECRET,
  createHarness,
  KOMMO,
  KOMMO_ADMIN,
  MANAGER,
  RU,
  startBackendReceiver,
  type TokenBody,
} from './harness';

type Receiver = Awaited<ReturnType<typeof startBackendReceiver>>;

describe('amoCRM emulator: install (the widget-install redirect)', () => {
  let backend: Receiver;
  beforeEach(async () => {
    backend = await startBackendReceiver();
  });
  afterEach(() => backend.close());

  const harness = (extra: Parameters<typeof createHarness>[0] = {}) =>
    createHarness({
      fetch: globalThis.fetch,
      redirectUri: `${backend.url}/amocrm/oauth`,
      disconnectHookUrl: `${backend.url}/amocrm/disconnect`,
      ...extra,
    });

  it('calls the Redirect URI once with code, referer, from_widget=1 and platform=1; the code exchanges', async () => {
    const h = harness();
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
    const { code, delivery } = await h.emulator.install(RU.id);
    expect(h.emulator.isInstalled(RU.id)).toBe(true);
    expect(backend.received).toHaveLength(1);
    const call = backend.received[0]!;
    expect(call.method).toBe('GET');
    expect(call.url.pathname).toBe('/amocrm/oauth');
    expect(Object.fromEntries(call.url.searchParams)).toEqual({
      code,
      referer: 'acme.amocrm.ru',
      from_widget: '1',
      platform: '1',
    });
    expect(delivery).toMatchObject({ kind: 'install', accountId: RU.id, state: 'delivered', status: 200 });
    expect(h.emulator.listHookDeliveries()).toEqual([delivery]);
    const exchanged = await h.exchange(code, { redirect_uri: `${backend.url}/amocrm/oauth` });
    expect(exchanged.status).toBe(200);
    const pair = (await exchanged.json()) as TokenBody;
    const account = (await (await h.api('/api/v4/account', pair.access_token)).json()) as { current_user_id: number };
    expect(account.current_user_id).toBe(ADMIN.id);
  });

  it('says platform=2 for a kommo.com account and codes for the named admin', async () => {
    const h = harness();
    const { code } = await h.emulator.install(KOMMO.id, KOMMO_ADMIN.id);
    expect(Object.fromEntries(backend.received[0]!.url.searchParams)).toMatchObject({
      code,
      referer: 'globex.kommo.com',
      platform: '2',
    });
    expect(h.emulator.listCodes().find((c) => c.code === code)).toMatchObject({
      userId: KOMMO_ADMIN.id,
      via: 'install',
    });
  });

  it('ignores the answer and never retries: a 500 is recorded, once', async () => {
    const h = harness();
    backend.state.status = 500;
    const { delivery } = await h.emulator.install(RU.id);
    expect(delivery).toMatchObject({ state: 'delivered', status: 500 });
    expect(backend.received).toHaveLength(1);
    expect(h.emulator.isInstalled(RU.id)).toBe(true);
  });

  it('gives up on a slow backend after the timeout and records it', async () => {
    const h = harness({ backendTimeoutMs: 50 });
    backend.state.delayMs = 5_000;
    const { delivery } = await h.emulator.install(RU.id);
    expect(delivery).toMatchObject({ state: 'failed', error: 'timeout' });
    expect(delivery.status).toBeUndefined();
  });

  it('records an unreachable backend as failed and still installs', async () => {
    const h = createHarness({ fetch: globalThis.fetch, redirectUri: 'http://127.0.0.1:9/amocrm/oauth' });
    const { delivery } = await h.emulator.install(RU.id);
    expect(delivery.state).toBe('failed');
    expect(delivery.error).toBeTruthy();
    expect(h.emulator.isInstalled(RU.id)).toBe(true);
  });

  it('refuses an install by a manager, and unknown accounts or users', async () => {
    const h = harness();
    await expect(h.emulator.install(RU.id, MANAGER.id)).rejects.toMatchObject({ status: 403 });
    h.emulator.setCurrentUser(RU.id, MANAGER.id);
    await expect(h.emulator.install(RU.id)).rejects.toBeInstanceOf(ControlError);
    await expect(h.emulator.install(999)).rejects.toMatchObject({ status: 404 });
    await expect(h.emulator.install(RU.id, KOMMO_ADMIN.id)).rejects.toMatchObject({ status: 404 });
    expect(backend.received).toHaveLength(0);
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
  });

  it('issues codes by hand only where the integration is installed', async () => {
    const h = harness();
    expect(() => h.emulator.issueCode(RU.id, ADMIN.id)).toThrow(/not installed/);
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, MANAGER.id);
    expect(code).toMatchObject({ accountId: RU.id, userId: MANAGER.id, via: 'control' });
  });
});

describe('amoCRM emulator: uninstall (the disconnect hook)', () => {
  let backend: Receiver;
  beforeEach(async () => {
    backend = await startBackendReceiver();
  });
  afterEach(() => backend.close());

  it('sends GET disconnect with account_id, client_uuid and a signature that verifies with node:crypto', async () => {
    const h = createHarness({ fetch: globalThis.fetch, disconnectHookUrl: `${backend.url}/amocrm/disconnect` });
    await h.emulator.install(RU.id);
    const { delivery } = await h.emulator.uninstall(RU.id);
    expect(delivery).toMatchObject({ kind: 'disconnect', accountId: RU.id, state: 'delivered', status: 200 });
    const hook = backend.received.find((call) => call.url.pathname === '/amocrm/disconnect')!;
    expect(hook.method).toBe('GET');
    const query = Object.fromEntries(hook.url.searchParams);
    expect(Object.keys(query).sort()).toEqual(['account_id', 'client_uuid', 'signature']);
    expect(query.account_id).toBe(String(RU.id));
    expect(query.client_uuid).toBe(CLIENT_ID);
    const expected = createHmac('sha256', CLIENT_SECRET).update(`${CLIENT_ID}|${RU.id}`).digest();
    expect(query.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(timingSafeEqual(Buffer.from(query.signature!, 'hex'), expected)).toBe(true);
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
  });

  it('kills every token and code of the account, and only that account', async () => {
    const h = createHarness({ fetch: globalThis.fetch, disconnectHookUrl: `${backend.url}/amocrm/disconnect` });
    const ru = await h.grantedPair(RU.id);
    const kommo = await h.grantedPair(KOMMO.id);
    const unused = h.emulator.issueCode(RU.id, ADMIN.id);
    await h.emulator.uninstall(RU.id);
    expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(401);
    expect((await h.refresh(ru.refresh_token)).headers.get('x-emulator-reject')).toBe('refresh_revoked');
    expect((await h.exchange(unused.code)).headers.get('x-emulator-reject')).toBe('code_revoked');
    expect((await h.api('/api/v4/account', kommo.access_token)).status).toBe(200);
    // a new install starts over
    const { code } = await h.emulator.install(RU.id);
    expect((await h.exchange(code)).status).toBe(200);
  });

  it('sends nothing when the integration is not installed, or when no hook URL is set', async () => {
    const withHook = createHarness({ fetch: globalThis.fetch, disconnectHookUrl: `${backend.url}/amocrm/disconnect` });
    expect(await withHook.emulator.uninstall(RU.id)).toEqual({ delivery: null });
    const withoutHook = createHarness({ fetch: globalThis.fetch });
    const pair = await withoutHook.grantedPair(RU.id);
    expect(await withoutHook.emulator.uninstall(RU.id)).toEqual({ delivery: null });
    expect((await withoutHook.api('/api/v4/account', pair.access_token)).status).toBe(401);
    expect(backend.received).toHaveLength(0);
  });
});

describe('amoCRM emulator: the current user', () => {
  it('starts as the first admin and switches to a user of the same account only', () => {
    const h = createHarness();
    expect(h.emulator.currentUser(RU.id).id).toBe(ADMIN.id);
    h.emulator.setCurrentUser(RU.id, MANAGER.id);
    expect(h.emulator.currentUser(RU.id)).toMatchObject({ id: MANAGER.id, isAdmin: false });
    expect(() => h.emulator.setCurrentUser(RU.id, KOMMO_ADMIN.id)).toThrow(ControlError);
    expect(h.emulator.listAccounts().find((a) => a.id === RU.id)).toMatchObject({ currentUserId: MANAGER.id });
  });
});
