import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgePaths } from '../../../src/contracts/bridge';
import { startDemoMessenger } from '../../../src/sandbox/demo-messenger/start-demo-messenger';
import { API_KEY, docEvent, type Messenger, SIGNING_SECRET, startMessenger } from './harness';
import { openSse } from './sse-reader';

describe('demo messenger settings', () => {
  let dir: string;
  const running: Messenger[] = [];
  const start = async (...args: Parameters<typeof startMessenger>) => {
    const m = await startMessenger(...args);
    running.push(m);
    return m;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'demo-messenger-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('never shows the key or the secret to the page, only hints and the webhook URL', async () => {
    const m = await start();
    const saved = await m.configure();
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({
      bridgeUrl: m.bridge.url,
      apiKeyHint: 'ck_liv…',
      signingSecretHint: 'cs_8c1…',
      configured: true,
      link: { title: 'Demo shop', subdomain: 'demoshop', accountId: 30_000_001 },
      problem: null,
      webhookUrl: `${m.messenger.url}/webhook`,
    });
    const sse = await openSse(m.messenger.url);
    const streamed = await sse.until(() => true);
    sse.close();
    for (const seen of [saved.json, (await m.api('GET', '/api/state')).json, streamed, m.messenger.state()]) {
      const text = JSON.stringify(seen);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(SIGNING_SECRET);
    }
  });

  it('keeps the settings in the data file (owner-only) across a restart', async () => {
    const dataFile = join(dir, 'nested', 'demo-messenger.json');
    const first = await start({ dataFile });
    await first.configure();
    expect(statSync(dataFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toEqual({
      bridgeUrl: first.bridge.url,
      apiKey: API_KEY,
      signingSecret: SIGNING_SECRET,
    });
    await first.messenger.close();

    const second = await start({ dataFile, bridgeUrl: null });
    expect(second.messenger.state().settings).toMatchObject({ bridgeUrl: first.bridge.url, configured: true });
    // The restarted messenger verifies with the saved secret...
    const delivered = await second.deliver(docEvent('hook-message-v2-picture.json', { eventId: 'evt-after-restart' }));
    expect(delivered.status).toBe(200);
    // ...and calls the saved bridge URL with the saved key (the first harness's fake bridge is still up).
    const conversation = await second.openConversation();
    await second.api('POST', `/api/conversations/${conversation.id}/messages`, { type: 'text', text: 'back again' });
    expect(first.bridge.callsTo(bridgePaths.messages).map((c) => c.authorization)).toEqual([`Bearer ${API_KEY}`]);
    expect(second.bridge.calls).toEqual([]);
  });

  it('lets the bridgeUrl option win over the file, and normalises a trailing slash', async () => {
    const dataFile = join(dir, 'settings.json');
    writeFileSync(dataFile, JSON.stringify({ bridgeUrl: 'http://127.0.0.1:1', apiKey: API_KEY }));
    const m = await start({ dataFile });
    expect(m.messenger.state().settings.bridgeUrl).toBe(m.bridge.url);

    await m.api('PUT', '/api/settings', { bridgeUrl: `${m.bridge.url}/` });
    const conversation = await m.openConversation();
    await m.api('POST', `/api/conversations/${conversation.id}/messages`, { type: 'text', text: 'hi' });
    expect(m.bridge.calls.map((c) => c.path)).toEqual([bridgePaths.messages]);
  });

  it('refuses a bridge URL that is not http(s) and unknown fields, naming them', async () => {
    const m = await start();
    const bad = await m.api('PUT', '/api/settings', { bridgeUrl: 'ftp://example.test', apiKey: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['apiKey', 'bridgeUrl']);
    const unknown = await m.api('PUT', '/api/settings', { secret: 'x' });
    expect(unknown.status).toBe(400);
    expect(m.messenger.state().settings.bridgeUrl).toBe(m.bridge.url);
  });

  it('clears a field set to an empty string', async () => {
    const m = await start();
    await m.configure();
    const cleared = await m.api('PUT', '/api/settings', { signingSecret: '' });
    expect(cleared.json).toMatchObject({ signingSecretHint: null, apiKeyHint: 'ck_liv…', configured: false });
    expect((await m.deliver({ id: 'e', type: 'test', created_at: '' })).status).toBe(503);
  });

  it('refuses to start on a data file that is not its own, instead of overwriting it', async () => {
    const dataFile = join(dir, 'other.json');
    writeFileSync(dataFile, JSON.stringify({ apiKey: 42 }));
    await expect(startDemoMessenger({ dataFile })).rejects.toThrow(/not a demo messenger settings file/);
    expect(readFileSync(dataFile, 'utf8')).toBe('{"apiKey":42}');
    writeFileSync(dataFile, '{"apiKey": "half a fi');
    await expect(startDemoMessenger({ dataFile })).rejects.toThrow(/not a demo messenger settings file/);
  });
});
