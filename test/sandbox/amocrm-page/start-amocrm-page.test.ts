import { writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyOneTimeToken } from '../../../src/server/auth/verify-one-time-token';
import {
  ACCOUNT,
  bootstrapOf,
  CLIENT_ID,
  CLIENT_SECRET,
  type PageHarness,
  startPageHarness,
  testScript,
  testStylesheet,
  USER,
} from './page-harness';

const WIDGET = '/widgets/sandbox_channel_link';

describe('amoCRM sandbox page server', () => {
  let h: PageHarness;
  beforeEach(async () => {
    h = await startPageHarness();
  });
  afterEach(() => h.close());

  async function token() {
    const response = await h.fetchPage('/_sandbox/token', { method: 'POST' });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  it('mints a one-time token that verifies HS256 with the integration secret, with the documented claims', async () => {
    const minted = await token();
    expect(decodeProtectedHeader(minted).alg).toBe('HS256');
    const { payload } = await jwtVerify(minted, new TextEncoder().encode(CLIENT_SECRET), {
      algorithms: ['HS256'],
      currentDate: h.amojo.clock.now,
    });
    const iat = Math.floor(h.amojo.clock.now.getTime() / 1000);
    expect(payload).toMatchObject({
      iss: 'https://acme.amocrm.ru',
      aud: 'http://127.0.0.1:8080',
      iat,
      nbf: iat,
      exp: iat + 1800,
      account_id: ACCOUNT.id,
      user_id: USER.id,
      client_uuid: CLIENT_ID,
      subdomain: 'acme',
    });
    const identity = await verifyOneTimeToken(minted, {
      secret: CLIENT_SECRET,
      clientId: CLIENT_ID,
      audience: 'http://127.0.0.1:8080',
      now: h.amojo.clock.now,
    });
    expect(identity).toMatchObject({ accountId: ACCOUNT.id, userId: USER.id, subdomain: 'acme', region: 'ru' });
  });

  it('mints a fresh jti for every call', async () => {
    const jtis = new Set<unknown>();
    for (let i = 0; i < 3; i += 1) {
      const { payload } = await jwtVerify(await token(), new TextEncoder().encode(CLIENT_SECRET), {
        currentDate: h.amojo.clock.now,
      });
      jtis.add(payload.jti);
    }
    expect(jtis.size).toBe(3);
  });

  it('refuses to mint for another origin and never puts the secret in a page', async () => {
    const foreign = await h.fetchPage('/_sandbox/token', {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const own = await h.fetchPage('/_sandbox/token', { method: 'POST', headers: { Origin: h.page.url } });
    expect(own.status).toBe(200);
    for (const path of ['/', '/inbox', '/_sandbox/assets/crm-page.js', '/_sandbox/assets/inbox.js']) {
      expect(await (await h.fetchPage(path)).text()).not.toContain(CLIENT_SECRET);
    }
  });

  it('serves the settings page wired to RequireJS, jQuery and the widget, with the account and manifest data', async () => {
    const response = await h.fetchPage('/');
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<script src="/_sandbox/vendor/require.js"></script>');
    expect(html).toContain('<script defer src="/_sandbox/assets/crm-page.js"></script>');
    const boot = bootstrapOf(html);
    expect(boot).toMatchObject({
      lang: 'en',
      account: { id: ACCOUNT.id, subdomain: 'acme', amojo_id: ACCOUNT.amojo_id },
      user: { id: USER.id, amojo_id: USER.amojo_id },
      saved: { status: 'install', settings: {} },
      vendor: { requirejs: '/_sandbox/vendor/require.js', jquery: '/_sandbox/vendor/jquery.js' },
      warnings: [],
    });
    expect(boot.widget).toMatchObject({
      code: 'sandbox_channel_link',
      path: WIDGET,
      version: '1.2.3',
      name: 'Test channel',
      description: `Account acme (${ACCOUNT.id})`,
      hasScript: true,
      fields: [
        { code: 'channel_link', label: 'Channel link', type: 'custom', required: true },
        { code: 'label', label: 'Label', type: 'text', required: false },
      ],
    });
  });

  it('switches language and theme from the query, and warns about a language the manifest lacks', async () => {
    const ru = bootstrapOf(await (await h.fetchPage('/?lang=ru&theme=dark')).text());
    expect(ru).toMatchObject({ lang: 'ru', theme: 'dark', warnings: [] });
    expect(ru.widget.name).toBe('Тестовый канал');
    const html = await (await h.fetchPage('/?lang=es')).text();
    expect(html.startsWith('<!doctype html>\n<html lang="es">')).toBe(true);
    expect(bootstrapOf(html).warnings).toEqual([expect.stringContaining('"es"')]);
  });

  it('serves the archive under /widgets/<code>/, RequireJS, jQuery 2 and the page scripts', async () => {
    const script = await h.fetchPage(`${WIDGET}/script.js?v=1.2.3`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toBe(testScript);
    expect(await (await h.fetchPage(`${WIDGET}/i18n/ru.json`)).json()).toMatchObject({
      widget: { name: 'Тестовый канал' },
    });
    expect((await h.fetchPage(`${WIDGET}/images/logo_main.png`)).headers.get('content-type')).toBe('image/png');
    // the widget's own <link> to its style.css, with the version query the docs add
    const css = await h.fetchPage(`${WIDGET}/style.css?v=1.2.3`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe(testStylesheet);
    expect((await h.fetchPage(`${WIDGET}/missing.js`)).status).toBe(404);
    expect((await h.fetchPage('/widgets/another_widget/script.js')).status).toBe(404);
    expect((await h.fetchPage(`${WIDGET}/%2e%2e/secret`)).status).toBe(404);

    expect(await (await h.fetchPage('/_sandbox/vendor/require.js')).text()).toContain('RequireJS 2.');
    expect(await (await h.fetchPage('/_sandbox/vendor/jquery.js')).text()).toContain('jQuery JavaScript Library v2.');
    const page = await (await h.fetchPage('/_sandbox/assets/crm-page.js')).text();
    expect(page).toContain('__sandbox');
    expect(page).toContain('settings');
    expect(await (await h.fetchPage('/_sandbox/assets/inbox.js')).text()).toContain('/_sandbox/inbox/');
    expect((await h.fetchPage('/_sandbox/assets/nope.js')).status).toBe(404);
  });

  it('keeps what Save stored, so a reload opens the widget as installed', async () => {
    const stored = { status: 'installed', settings: { channel_link: '{"consent_at":"2026-03-02"}', label: 'x' } };
    const put = await h.fetchPage('/_sandbox/widget-settings', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(stored),
    });
    expect(put.status).toBe(200);
    expect(bootstrapOf(await (await h.fetchPage('/')).text()).saved).toEqual(stored);
    const bad = await h.fetchPage('/_sandbox/widget-settings', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'enabled', settings: {} }),
    });
    expect(bad.status).toBe(400);
  });

  it('disconnects the channel at amojo when the widget is uninstalled, as amoCRM does, and only then', async () => {
    await h.amojo.connect(ACCOUNT.amojo_id);
    const put = (status: 'install' | 'installed') =>
      h.fetchPage('/_sandbox/widget-settings', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status, settings: {} }),
      });
    const connected = () => h.amojo.emulator.listConnections()[0]?.connected;
    expect((await put('installed')).status).toBe(200);
    expect((await put('installed')).status).toBe(200);
    expect(connected()).toBe(true);
    expect((await put('install')).status).toBe(200);
    expect(connected()).toBe(false);
  });

  it('re-reads the archive when it changes, and warns when script.js names another backend', async () => {
    const rebuilt = testScript.replace('http://127.0.0.1:8080', 'https://channel.example.com');
    const files = { ...h.zip.files, 'script.js': new TextEncoder().encode(rebuilt) };
    writeFileSync(h.zip.zipPath, zipSync(files));
    expect(await (await h.fetchPage(`${WIDGET}/script.js`)).text()).toBe(rebuilt);
    const boot = bootstrapOf(await (await h.fetchPage('/')).text());
    expect(boot.warnings).toEqual([expect.stringContaining('another backend')]);
  });
});

describe('amoCRM sandbox page server without a built widget', () => {
  it('still serves the page and says what is missing', async () => {
    const h = await startPageHarness({ installed: true, widgetDir: '/nonexistent/widget' });
    try {
      const boot = bootstrapOf(await (await h.fetchPage('/')).text());
      expect(boot.saved).toEqual({ status: 'installed', settings: {} });
      expect(boot.widget.hasScript).toBe(false);
      expect(boot.warnings).toEqual([
        expect.stringContaining('no manifest.json'),
        expect.stringContaining('no script.js'),
      ]);
    } finally {
      await h.close();
    }
  });
});
