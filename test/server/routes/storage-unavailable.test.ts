import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import type { BridgeMessages } from '../../../src/bridge/create-bridge-messages';
import { createLogger } from '../../../src/observability/create-logger';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../../../src/server/routes/amojo-webhook-node-handler';
import { createBridgeNodeHandler } from '../../../src/server/routes/bridge-node-handler';
import { CHANNEL_ID, SECRET, startWebhookHarness } from './amojo-webhook-harness';

// SQLite's write lock held by another process past the busy timeout: the group commit refuses the batch whole.
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

const storageUnavailable = {
  error: {
    code: 'storage_unavailable',
    message: 'Our database is busy; try again shortly.',
  },
};

describe('a request whose write the database itself refused', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** Resolves when the server has seen a client's connection close. */
  let serverSawClose: Promise<void> = Promise.resolve();

  async function listen(handler: (req: IncomingMessage, res: ServerResponse) => boolean) {
    const server: Server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(418).end();
    });
    server.on('connection', (socket) => {
      serverSawClose = new Promise((resolve) => socket.on('close', () => resolve()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('is a 503 storage_unavailable with Retry-After on the webhook, through the app and node:http alike', async () => {
    const logs: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => void logs.push(line) } });
    const harness = await startWebhookHarness({ persist: async () => Promise.reject(busy()) });
    closers.push(() => harness.close());
    const body = harness.hook('hook-message-v2-picture');
    const viaApp = await harness.post(body);
    expect([viaApp.status, viaApp.headers.get('retry-after'), await viaApp.json()]).toEqual([
      503,
      '5',
      storageUnavailable,
    ]);

    const base = await listen(
      createAmojoWebhookNodeHandler({
        channelId: CHANNEL_ID,
        secrets: [SECRET],
        lookupScope: createScopeLookup(harness.db),
        persist: async () => Promise.reject(busy()),
        now: () => harness.clock.now,
        logger,
      }),
    );
    const viaNode = await fetch(`${base}/amojo/webhook/${encodeURIComponent(harness.link.scopeId ?? '')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': signWebhook(Buffer.from(body), SECRET) },
      body,
    });
    expect([viaNode.status, viaNode.headers.get('retry-after'), await viaNode.json()]).toEqual([
      503,
      '5',
      storageUnavailable,
    ]);
    // Still an operator's matter: logged as an error, with the database's own words.
    expect(logs.join('')).toContain('database is locked');
  });

  it('logs a sender that hangs up mid-body at debug, not as our failure', async () => {
    const logs: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
    const harness = await startWebhookHarness();
    closers.push(() => harness.close());
    const base = await listen(
      createAmojoWebhookNodeHandler({
        channelId: CHANNEL_ID,
        secrets: [SECRET],
        lookupScope: createScopeLookup(harness.db),
        persist: async () => 'new',
        logger,
      }),
    );
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(`POST /amojo/webhook/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"pad":"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    // The server sees the reset within a turn or two; a failure to log would have been written by then.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logs.map((line) => JSON.parse(line).msg)).toEqual(['sender went away mid-request']);
  });

  it('logs a failure after the whole body as ours, even when the sender has gone since', async () => {
    const logs: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
    const harness = await startWebhookHarness();
    closers.push(() => harness.close());
    let persisted = () => {};
    const reached = new Promise<void>((resolve) => {
      persisted = resolve;
    });
    let fail = (_: unknown) => {};
    const base = await listen(
      createAmojoWebhookNodeHandler({
        channelId: CHANNEL_ID,
        secrets: [SECRET],
        lookupScope: createScopeLookup(harness.db),
        persist: () =>
          new Promise((_, reject) => {
            fail = reject;
            persisted();
          }),
        now: () => harness.clock.now,
        logger,
      }),
    );
    const body = harness.hook('hook-message-v2-picture');
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const path = `/amojo/webhook/${encodeURIComponent(harness.link.scopeId ?? '')}`;
    const signature = signWebhook(Buffer.from(body), SECRET);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Signature: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await reached;
    // The sender gives up while the write hangs, and the server sees it go; then the database fails.
    socket.destroy();
    await serverSawClose;
    fail(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.map((line) => JSON.parse(line).msg)).toContain('amojo hook failed');
  });

  it('is a 503 storage_unavailable with Retry-After on the bridge', async () => {
    const messages = {
      limits: { bodyBytes: 262_144 },
      post: async () => Promise.reject(busy()),
    } as unknown as BridgeMessages;
    const base = await listen(createBridgeNodeHandler(messages, createLogger({ level: 'silent' })));
    const res = await fetch(`${base}/bridge/v1/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer key' },
      body: '{}',
    });
    expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([503, '5', storageUnavailable]);
  });

  it('leaves any other failure a 500, a full disk or a corrupt file included: they do not clear by themselves', async () => {
    for (const failure of [
      new Error('no such table'),
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }),
    ]) {
      const harness = await startWebhookHarness({ persist: async () => Promise.reject(failure) });
      closers.push(() => harness.close());
      const res = await harness.post(harness.hook('hook-message-v2-picture'));
      expect([res.status, res.headers.get('retry-after'), (await res.json()).error.code]).toEqual([
        500,
        null,
        'internal_error',
      ]);
    }
  });
});
