import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyOneTimeToken } from '../../../src/server/auth/verify-one-time-token';
import type { JsdomInstance } from './load-jsdom';
import { openFakeWidgetPage } from './open-fake-widget-page';
import { ACCOUNT, CLIENT_ID, CLIENT_SECRET, type PageHarness, startPageHarness, USER } from './page-harness';
import { until } from './until';

// biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped from the test's side
type PageWindow = Window & typeof globalThis & Record<string, any>;

/** A stand-in backend: CORS for the page's origin and a token check with the backend's own verifier. */
async function startTokenBackend(now: () => Date) {
  const seen: { jti: string; accountId: number; userId: number }[] = [];
  const server = createServer((req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': req.headers.origin ?? '*',
      'Access-Control-Allow-Headers': 'X-Auth-Token, Content-Type',
      'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const token = req.headers['x-auth-token'];
    verifyOneTimeToken(typeof token === 'string' ? token : null, {
      secret: CLIENT_SECRET,
      clientId: CLIENT_ID,
      audience: 'http://127.0.0.1:8080',
      now: now(),
    }).then(
      (identity) => {
        seen.push({ jti: identity.jti, accountId: identity.accountId, userId: identity.userId });
        res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end('{"state":"unlinked"}');
      },
      () => res.writeHead(401, cors).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('emulated amoCRM page, run in jsdom', () => {
  let h: PageHarness;
  let dom: JsdomInstance;
  let win: PageWindow;
  beforeEach(async () => {
    h = await startPageHarness();
    dom = await openFakeWidgetPage(h);
    win = dom.window as unknown as PageWindow;
    await until(() => win.__sandbox, 'the page script');
    await win.__sandbox.ready;
  });
  afterEach(async () => {
    dom.window.close();
    await h.close();
  });

  const doc = () => win.document;
  const q = (selector: string) => doc().querySelector<HTMLElement>(selector);
  const click = (selector: string) => {
    const element = q(selector);
    if (element === null) throw new Error(`no ${selector}`);
    element.click();
  };
  const serverSettings = async () => (await h.fetchPage('/_sandbox/widget-settings')).json();

  it('loads script.js through RequireJS with jQuery 2 and calls render, init, bind_actions in order', () => {
    expect(win.__sandbox.error).toBeNull();
    expect(win.__sandbox.warnings).toEqual([]);
    expect(win.__calls).toEqual(['render:true', 'init', 'bind_actions']);
    expect(win.__helper).toBe('helper from the widget folder');
    expect(win.__sandbox.log.map((e: { name: string }) => e.name)).toEqual([
      'script.js',
      'render',
      'init',
      'bind_actions',
    ]);
    expect(win.APP.constant('account')).toEqual({
      id: ACCOUNT.id,
      name: 'acme',
      subdomain: 'acme',
      amojo_id: ACCOUNT.amojo_id,
      top_level_domain: 'ru',
    });
    expect(win.AMOCRM).toBe(win.APP);
    expect(win.APP.constant('user')).toMatchObject({ id: USER.id, amojo_id: USER.amojo_id });
    expect(Object.isFrozen(win.APP.constant('account'))).toBe(true);
    expect(win.APP.lang_id).toBe('en');
    expect(win.__widget.system()).toMatchObject({ amouser_id: String(USER.id), subdomain: 'acme', area: 'settings' });
    expect(win.__widget.get_settings()).toMatchObject({
      widget_code: 'sandbox_channel_link',
      path: '/widgets/sandbox_channel_link',
      version: '1.2.3',
      oauth_client_uuid: CLIENT_ID,
    });
    expect(win.__widget.i18n('widget').name).toBe('Test channel');
    expect(win.__widget.params).toMatchObject({ widget_code: 'sandbox_channel_link' });
  });

  it('opens the settings modal with amoCRM’s hooks and calls settings($modal_body)', () => {
    click('[data-testid="widget-tile"]');
    expect(win.__calls.at(-1)).toBe('settings:install');
    const modal = q('[data-testid="settings-modal"]')!;
    expect(modal.classList.contains('widget-settings__modal')).toBe(true);
    expect(q('.modal-body .widget_settings_block .test-panel')?.textContent).toBe('acme');
    const hidden = q('#sandbox_channel_link_custom') as HTMLInputElement;
    expect(hidden.type).toBe('hidden');
    expect(hidden.name).toBe('channel_link');
    expect(q('#sandbox_channel_link_custom_content')).not.toBeNull();
    expect(q('input[name="label"]')).not.toBeNull();
    expect(q('button.js-widget-install')?.textContent).toBe('Install');
    expect(q('.js-widget-disable')).toBeNull();
  });

  it('refuses Install while the required custom field is empty, then installs through onSave', async () => {
    click('[data-testid="widget-tile"]');
    click('[data-testid="settings-save"]');
    expect(q('[data-testid="settings-error"]')?.textContent).toContain('Channel link');
    expect(win.__calls).not.toContain(expect.stringMatching(/^onSave/));

    win.__consent();
    expect(q('[data-testid="settings-save"]')?.dataset.ready).toBe('true');
    const outcome = await win.__sandbox.save();
    expect(outcome).toEqual({ saved: true });
    expect(win.__calls.slice(3)).toEqual([
      'settings:install',
      'onSave:Y:{"consent":true}',
      'destroy',
      'settings:installed',
    ]);
    expect(await serverSettings()).toEqual({
      status: 'installed',
      settings: { channel_link: '{"consent":true}', label: '' },
    });
    expect(q('[data-testid="widget-status"]')?.dataset.status).toBe('installed');
    expect(q('button.js-widget-save')).not.toBeNull();
    expect(q('[data-testid="settings-disable"]')).not.toBeNull();
    expect(win.__widget.get_settings()).toMatchObject({ channel_link: '{"consent":true}', active: 'Y' });
  });

  it('keeps the modal open and the old settings when onSave rejects', async () => {
    click('[data-testid="widget-tile"]');
    win.__consent();
    await win.__sandbox.save();
    win.__onSave = 'reject';
    (q('input[name="label"]') as HTMLInputElement).value = 'changed';
    q('input[name="label"]')!.dispatchEvent(new win.Event('change', { bubbles: true }));
    expect(await win.__sandbox.save()).toEqual({ saved: false, reason: 'onSave_rejected', error: 'backend said no' });
    expect(q('[data-testid="settings-error"]')?.textContent).toContain('backend said no');
    expect((await serverSettings()).settings.label).toBe('');
    expect(q('[data-testid="settings-modal"]')).not.toBeNull();
  });

  it('disables with onSave(active N) then destroy, and destroys on close', async () => {
    click('[data-testid="widget-tile"]');
    win.__consent();
    await win.__sandbox.save();
    await win.__sandbox.disable();
    expect(win.__calls.slice(-2)).toEqual(['onSave:N:{"consent":true}', 'destroy']);
    expect((await serverSettings()).status).toBe('install');
    expect(q('[data-testid="settings-modal"]')).toBeNull();

    click('[data-testid="widget-tile"]');
    click('[data-testid="settings-close"]');
    expect(win.__calls.slice(-2)).toEqual(['settings:install', 'destroy']);
    expect(q('[data-testid="settings-modal"]')).toBeNull();
  });

  it('$authorizedAjax sends a fresh one-time token the backend accepts on every call', async () => {
    const backend = await startTokenBackend(() => h.amojo.clock.now);
    try {
      const first = await win.__ajax(`${backend.url}/api/widget/link`);
      const second = await win.__ajax(`${backend.url}/api/widget/link`);
      expect(first).toEqual({ ok: true, data: '{"state":"unlinked"}', status: 200 });
      expect(second).toMatchObject({ ok: true, status: 200 });
      expect(backend.seen).toHaveLength(2);
      expect(backend.seen[0]).toMatchObject({ accountId: ACCOUNT.id, userId: USER.id });
      expect(backend.seen[0]?.jti).not.toBe(backend.seen[1]?.jti);
      expect(win.__sandbox.log.filter((e: { name: string }) => e.name === '$authorizedAjax')).toHaveLength(2);
    } finally {
      await backend.close();
    }
  });

  it('toggles the dark theme on <html data-color-scheme>', () => {
    const toggle = q('[data-testid="theme-toggle"]') as HTMLInputElement;
    toggle.click();
    expect(doc().documentElement.getAttribute('data-color-scheme')).toBe('dark');
    toggle.click();
    expect(doc().documentElement.hasAttribute('data-color-scheme')).toBe(false);
  });
});
