import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Messenger, startMessenger } from './harness';

/** The controls and bubbles the end-to-end tests drive, by `data-testid`. */
const STATIC_TEST_IDS = [
  'connection-status',
  'number-switch',
  'number-select',
  'settings-number',
  'settings-panel',
  'settings-summary',
  'webhook-url',
  'copy-webhook-url',
  'settings-form',
  'settings-bridge-url',
  'settings-api-key',
  'settings-signing-secret',
  'settings-save',
  'settings-credentials',
  'settings-status',
  'refused-deliveries',
  'last-test-event',
  'new-conversation-form',
  'client-name-input',
  'client-phone-input',
  'start-conversation',
  'conversation-list',
  'chat-header',
  'thread',
  'typing-indicator',
  'error-banner',
  'composer',
  'picture-tray',
  'location-tray',
  'location-lat',
  'location-lon',
  'location-send',
  'picture-button',
  'location-button',
  'composer-input',
  'composer-error',
  'send-button',
];

describe('demo messenger page', () => {
  let m: Messenger;
  beforeAll(async () => {
    m = await startMessenger();
  });
  afterAll(() => m.close());

  const get = async (path: string) => {
    const response = await fetch(`${m.messenger.url}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('serves the chat page with every control the e2e tests use', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    const ids = [...page.text.matchAll(/data-testid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.sort()).toEqual([...STATIC_TEST_IDS].sort());
  });

  it('serves every module the page imports, and each element the script looks up exists in the page', async () => {
    const page = await get('/');
    const entry = /<script type="module" src="([^"]+)">/.exec(page.text)?.[1];
    expect(entry).toBe('/assets/app.js');
    const seen = new Set<string>();
    const queue = [entry ?? ''];
    const lookedUp = new Set<string>();
    while (queue.length > 0) {
      const path = queue.shift() ?? '';
      if (seen.has(path)) continue;
      seen.add(path);
      const module = await get(path);
      expect(module.status, path).toBe(200);
      expect(module.type).toBe('text/javascript; charset=utf-8');
      for (const [, name] of module.text.matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(`/assets/${name}`);
      for (const [, id] of module.text.matchAll(/byTestId\('([\w-]+)'\)/g)) lookedUp.add(id ?? '');
    }
    expect([...seen].sort()).toEqual(
      [
        '/assets/api.js',
        '/assets/app.js',
        '/assets/composer.js',
        '/assets/dom.js',
        '/assets/render-conversations.js',
        '/assets/render-markup.js',
        '/assets/render-message.js',
        '/assets/render-reactions.js',
        '/assets/render-refused.js',
        '/assets/render-thread.js',
        '/assets/settings-panel.js',
      ].sort(),
    );
    for (const id of lookedUp) expect(STATIC_TEST_IDS, id).toContain(id);
    const css = await get('/assets/style.css');
    expect([css.status, css.type]).toEqual([200, 'text/css; charset=utf-8']);
  });

  it('answers 404 for files it does not have', async () => {
    expect((await get('/assets/nope.js')).status).toBe(404);
    expect((await get('/assets/..%2Fstart-demo-messenger.ts')).status).toBe(404);
    expect((await get('/media/sample-9.png')).status).toBe(404);
  });
});
