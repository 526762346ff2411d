import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmocrmEmulator, createAmocrmEmulator } from '../../../src/sandbox/amocrm-emulator/create-amocrm-emulator';
import { disconnectSignature } from '../../../src/sandbox/amocrm-emulator/disconnect-signature';
import { verifyOneTimeToken } from '../../../src/server/auth/verify-one-time-token';
import type { JsdomInstance } from './load-jsdom';
import { openFakeWidgetPage } from './open-fake-widget-page';
import {
  ACCOUNT,
  bootstrapOf,
  CLIENT_ID,
  CLIENT_SECRET,
  MANAGER,
  MANAGER_AMOJO_ID,
  type PageHarness,
  startPageHarness,
  USER,
} from './page-harness';
import { until } from './until';

// biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped from the test's side
type PageWindow = Window & typeof globalThis & Record<string, any>;

/**
 * A stand-in backend for the two calls amoCRM makes (the install redirect and the disconnect hook) and the link GET
 * the page asks while it waits: the installation turns active when the redirect arrives, gone with the hook.
 */
async function startStubBackend() {
  const calls: { path: string; query: Record<string, string> }[] = [];
  const linkReaders: number[] = [];
  let installed = false;
  let url = '';
  // the page mints with its harness clock; the test points this at it once the page is up
  const clock = { now: () => new Date() };
  const server = createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(parsed.searchParams);
    const cors = { 'Access-Control-Allow-Origin': req.headers.origin ?? '*' };
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (parsed.pathname === '/amocrm/oauth' || parsed.pathname === '/amocrm/disconnect') {
      calls.push({ path: parsed.pathname, query });
      installed = parsed.pathname === '/amocrm/oauth';
      return reply(200, { ok: true });
    }
    if (parsed.pathname === '/api/widget/link') {
      const token = req.headers['x-auth-token'];
      return void verifyOneTimeToken(typeof token === 'string' ? token : null, {
        secret: CLIENT_SECRET,
        clientId: CLIENT_ID,
        audience: url,
        now: clock.now(),
      }).then(
        (identity) => {
          linkReaders.push(identity.userId);
          reply(200, { state: 'unlinked', installation: { state: installed ? 'active' : 'missing' } });
        },
        () => reply(401, { error: { code: 'auth_invalid' } }),
      );
    }
    reply(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    linkReaders,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('the emulated amoCRM page and the install protocol', () => {
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  let amocrm: AmocrmEmulator;
  let h: PageHarness;

  beforeEach(async () => {
    backend = await startStubBackend();
    amocrm = createAmocrmEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${backend.url}/amocrm/oauth`,
      disconnectHookUrl: `${backend.url}/amocrm/disconnect`,
      accounts: [{ id: ACCOUNT.id, subdomain: ACCOUNT.subdomain, domain: 'amocrm.ru', amojoId: ACCOUNT.amojo_id }],
      users: [
        { id: USER.id, accountId: ACCOUNT.id, name: USER.name, isAdmin: true },
        { id: MANAGER.id, accountId: ACCOUNT.id, name: MANAGER.name, isAdmin: false },
      ],
    });
    h = await startPageHarness({
      backendUrl: backend.url,
      integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: backend.url },
      users: [USER, MANAGER],
      amocrm,
      installWaitMs: 5000,
    });
    backend.clock.now = () => h.amojo.clock.now;
  });
  afterEach(async () => {
    await h.close();
    await backend.close();
  });

  const switchTo = (userId: number) => h.postJson('/_sandbox/current-user', { userId });
  const putSettings = (status: 'install' | 'installed') =>
    h.fetchPage('/_sandbox/widget-settings', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status, settings: {} }),
    });
  const tokenClaims = async () => {
    const { token } = (await (await h.fetchPage('/_sandbox/token', { method: 'POST' })).json()) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), {
      currentDate: h.amojo.clock.now,
    });
    return payload;
  };

  it('installs through amoCRM: the install redirect as the current admin, then waits for the backend', async () => {
    const installed = await h.postJson('/_sandbox/install', {});
    expect(installed.status).toBe(200);
    expect(installed.json).toMatchObject({
      delivery: { kind: 'install', state: 'delivered', status: 200 },
      installation: 'active',
    });
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(true);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]).toMatchObject({
      path: '/amocrm/oauth',
      query: { referer: 'acme.amocrm.ru', from_widget: '1', platform: '1', code: expect.any(String) },
    });
    // the code is the admin's, and the page asked the backend as the admin
    expect(amocrm.listCodes()[0]).toMatchObject({ userId: USER.id, via: 'install' });
    expect(backend.linkReaders.at(-1)).toBe(USER.id);
  });

  it('refuses Install for a manager, as amoCRM shows the button to admins only, and sends nothing', async () => {
    expect((await switchTo(MANAGER.id)).status).toBe(200);
    const refused = await h.postJson('/_sandbox/install', {});
    expect(refused.status).toBe(403);
    expect(refused.json.error).toContain('administrator');
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(false);
    expect(backend.calls).toEqual([]);
  });

  it('refuses Install from another origin', async () => {
    const foreign = await h.fetchPage('/_sandbox/install', {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(false);
  });

  it('disables through amoCRM: the signed disconnect hook, and amojo disconnects the channel itself', async () => {
    await h.postJson('/_sandbox/install', {});
    await h.amojo.connect(ACCOUNT.amojo_id);
    const connected = () => h.amojo.emulator.listConnections()[0]?.connected;
    expect((await putSettings('installed')).status).toBe(200);
    expect((await putSettings('installed')).status).toBe(200);
    expect(backend.calls.map((call) => call.path)).toEqual(['/amocrm/oauth']);
    expect(connected()).toBe(true);

    expect((await putSettings('install')).status).toBe(200);
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(false);
    expect(backend.calls.at(-1)).toEqual({
      path: '/amocrm/disconnect',
      query: {
        account_id: String(ACCOUNT.id),
        client_uuid: CLIENT_ID,
        signature: disconnectSignature(CLIENT_ID, ACCOUNT.id, CLIENT_SECRET),
      },
    });
    expect(connected()).toBe(false);
    // amoCRM's grants of the account are revoked with it
    expect(amocrm.listCodes().every((code) => code.revokedAt !== undefined)).toBe(true);
  });

  it('switches the user: tokens, the page, amoCRM’s current user and the inbox follow, across reloads', async () => {
    expect((await tokenClaims()).user_id).toBe(USER.id);
    const switched = await switchTo(MANAGER.id);
    expect(switched).toMatchObject({ status: 200, json: { current: MANAGER.id } });
    expect((await tokenClaims()).user_id).toBe(MANAGER.id);
    expect(amocrm.currentUser(ACCOUNT.id).id).toBe(MANAGER.id);

    const boot = bootstrapOf(await (await h.fetchPage('/')).text()) as Record<string, unknown>;
    expect(boot.user).toMatchObject({ id: MANAGER.id, is_admin: false });
    expect(boot.users).toEqual([
      expect.objectContaining({ id: USER.id, is_admin: true }),
      expect.objectContaining({ id: MANAGER.id, is_admin: false }),
    ]);
    const html = await (await h.fetchPage('/')).text();
    expect(html).toContain(`<option value="${MANAGER.id}" selected>`);
    expect(await (await h.fetchPage('/inbox')).text()).toContain(MANAGER.name);

    // the inbox answers as the current user's amojo manager
    await h.amojo.connect(ACCOUNT.amojo_id);
    const started = await h.postJson('/_sandbox/inbox/write-first', {
      phone: '+15550100001',
      message: { type: 'text', text: 'hi' },
    });
    expect(started.status).toBe(200);
    const chat = h.amojo.emulator.listChats()[0]!;
    expect(h.amojo.emulator.listMessages(chat.id)[0]).toMatchObject({ senderId: MANAGER_AMOJO_ID });

    expect((await switchTo(USER.id)).json.current).toBe(USER.id);
    expect(amocrm.currentUser(ACCOUNT.id).id).toBe(USER.id);
  });

  it('refuses an unknown user, a malformed switch and one from another origin', async () => {
    expect((await switchTo(999)).status).toBe(404);
    expect((await h.postJson('/_sandbox/current-user', { userId: 'x' })).status).toBe(400);
    const foreign = await h.fetchPage('/_sandbox/current-user', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: MANAGER.id }),
    });
    expect(foreign.status).toBe(403);
    expect((await tokenClaims()).user_id).toBe(USER.id);
    expect(amocrm.currentUser(ACCOUNT.id).id).toBe(USER.id);
  });
});

describe('the settings modal’s Install, in jsdom, through amoCRM', () => {
  let backend: Awaited<ReturnType<typeof startStubBackend>>;
  let amocrm: AmocrmEmulator;
  let h: PageHarness;
  let dom: JsdomInstance;
  let win: PageWindow;

  async function open() {
    dom = await openFakeWidgetPage(h);
    win = dom.window as unknown as PageWindow;
    await until(() => win.__sandbox, 'the page script');
    await win.__sandbox.ready;
  }

  beforeEach(async () => {
    backend = await startStubBackend();
    amocrm = createAmocrmEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${backend.url}/amocrm/oauth`,
      disconnectHookUrl: `${backend.url}/amocrm/disconnect`,
      accounts: [{ id: ACCOUNT.id, subdomain: ACCOUNT.subdomain, domain: 'amocrm.ru', amojoId: ACCOUNT.amojo_id }],
      users: [
        { id: USER.id, accountId: ACCOUNT.id, name: USER.name, isAdmin: true },
        { id: MANAGER.id, accountId: ACCOUNT.id, name: MANAGER.name, isAdmin: false },
      ],
    });
    h = await startPageHarness({ users: [USER, MANAGER], amocrm, installWaitMs: 0, backendUrl: backend.url });
  });
  afterEach(async () => {
    dom?.window.close();
    await h.close();
    await backend.close();
  });

  it('sends the install redirect before onSave, and Disable the disconnect hook after onSave(N)', async () => {
    await open();
    win.document.querySelector<HTMLElement>('[data-testid="widget-tile"]')!.click();
    win.__consent();
    // what amoCRM had sent to the backend by the time each onSave ran
    const seenByOnSave: string[][] = [];
    const callbacks = win.__widget.callbacks;
    const onSave = callbacks.onSave;
    callbacks.onSave = function (this: unknown, ...args: unknown[]) {
      seenByOnSave.push(backend.calls.map((call) => call.path));
      return onSave.apply(this, args);
    };
    expect(await win.__sandbox.save()).toEqual({ saved: true });
    expect(seenByOnSave).toEqual([['/amocrm/oauth']]);
    expect(backend.calls.map((call) => call.path)).toEqual(['/amocrm/oauth']);
    expect(win.__calls).toContain('onSave:Y:{"consent":true}');
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(true);

    await win.__sandbox.disable();
    // onSave(active N) ran while the integration was still installed; the hook came after it
    expect(seenByOnSave[1]).toEqual(['/amocrm/oauth']);
    expect(win.__calls.slice(-2)).toEqual(['onSave:N:{"consent":true}', 'destroy']);
    expect(backend.calls.map((call) => call.path)).toEqual(['/amocrm/oauth', '/amocrm/disconnect']);
    expect(amocrm.isInstalled(ACCOUNT.id)).toBe(false);
  });

  it('shows amoCRM’s refusal to a manager and never calls onSave', async () => {
    await switchToManager();
    await open();
    expect(win.APP.constant('user_rights')).toEqual({ is_admin: 'N', is_free_user: 'N' });
    win.document.querySelector<HTMLElement>('[data-testid="widget-tile"]')!.click();
    win.__consent();
    const outcome = await win.__sandbox.save();
    expect(outcome).toMatchObject({ saved: false, reason: 'install_refused' });
    expect(win.document.querySelector('[data-testid="settings-error"]')?.textContent).toContain('administrator');
    expect(win.__calls.some((call: string) => call.startsWith('onSave'))).toBe(false);
    expect(backend.calls).toEqual([]);
    expect(win.__sandbox.installStatus()).toBe('install');
  });

  async function switchToManager() {
    expect((await h.postJson('/_sandbox/current-user', { userId: MANAGER.id })).status).toBe(200);
  }
});
