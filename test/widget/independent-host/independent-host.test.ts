import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, repoRoot } from '../harness/built-widget';
import { FakeLinkBackend } from '../harness/fake-link-backend';
import { JSDOM } from '../harness/untyped-packages';
import { backendHandler, listen, origin, staticFiles } from './serve';

const account = { id: 4242, subdomain: 'hostco', amojoId: '0b5c8d3e-2f41-4a6b-9c7d-1e2f3a4b5c6d' };
const backend = new FakeLinkBackend([account]);
let backendServer: Server;
let pageServer: Server;

beforeAll(async () => {
  backendServer = await listen(backendHandler(backend, () => origin(pageServer)));
  const built = buildWidget(origin(backendServer));
  pageServer = await listen(
    staticFiles({
      '/widgets/channel_link_host/': built.dir,
      '/vendor/require.js': join(repoRoot, 'node_modules/requirejs/require.js'),
      '/vendor/jquery.js': join(repoRoot, 'node_modules/jquery/dist/jquery.js'),
      '/index.html': join(import.meta.dirname, 'host-page.html'),
    }),
  );
}, 120_000);

afterAll(() => {
  backendServer?.close();
  pageServer?.close();
});

function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('the zip in a page that only follows the platform docs', () => {
  it('renders the settings panel and links over real HTTP with CORS and X-Auth-Token', async () => {
    const url = `${origin(pageServer)}/index.html?account=${account.id}&amojo=${account.amojoId}`;
    const dom = await JSDOM.fromURL(url, { runScripts: 'dangerously', resources: 'usable', pretendToBeVisual: true });
    const window = dom.window;
    try {
      await until(() => 'hostReady' in window, 'the host script');
      const ready = await (window as unknown as { hostReady: Promise<{ ok: boolean }> }).hostReady;
      expect(ready.ok).toBe(true);
      const doc = window.document;
      const panel = doc.querySelector('.widget_settings_block .channel-link-widget');
      expect(panel?.textContent).toContain('Messenger channel');
      expect(panel?.textContent).toContain(account.amojoId);
      // the host gives params.path and no version: the widget links the archive's style.css from there, over HTTP
      const sheet = doc.head.querySelector<HTMLLinkElement>('link[rel="stylesheet"]');
      expect(sheet?.getAttribute('href')).toBe('/widgets/channel_link_host/style.css');
      await until(() => sheet?.sheet != null, 'the stylesheet');
      expect(window.getComputedStyle(panel?.querySelector('h2') as Element).fontWeight).toBe('600');

      const byLabel = (text: string) => {
        const label = [...doc.querySelectorAll('label')].find((l) => l.textContent === text);
        return doc.getElementById(label?.htmlFor ?? '') as HTMLInputElement;
      };
      byLabel(
        "I agree that this widget sends the account's ID, subdomain and chat account ID to the channel service to link the messenger.",
      ).click();
      await until(() => panel?.textContent?.includes('Not linked') === true, 'the unlinked status');
      const webhook = byLabel('Messenger webhook URL');
      webhook.value = 'https://messenger.example.com/hooks/crm';
      webhook.dispatchEvent(new window.Event('input', { bubbles: true }));
      [...doc.querySelectorAll('button')].find((b) => b.textContent === 'Link channel')?.click();
      await until(
        () => backend.accountLinks(account).length === 1 && doc.querySelector('[readonly]') !== null,
        'the link',
      );

      const [stored] = backend.accountLinks(account);
      expect(stored?.webhook_url).toBe('https://messenger.example.com/hooks/crm');
      expect(byLabel('API key').value.slice(0, 8)).toBe(stored?.api_key_hint);
      const hidden = doc.getElementById('channel_link_host_custom') as HTMLInputElement;
      expect(JSON.parse(hidden.value)).toMatchObject({ link: 'linked' });
      const tokens = backend.requests.map((r) => r.headers['x-auth-token']);
      expect(tokens.every((t) => t?.startsWith(`fake.${account.id}.host-`))).toBe(true);
      expect(new Set(tokens).size).toBe(tokens.length);
    } finally {
      window.close();
    }
  }, 30_000);
});
