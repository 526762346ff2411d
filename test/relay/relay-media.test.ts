import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaMirror } from '../../src/media/create-media-mirror';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { mediaRoutes } from '../../src/server/routes/media-routes';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const KEY = deriveMediaLinkKey(Buffer.alloc(32, 7).toString('base64'));
const PUBLIC_URL = 'https://channel.example.test';
const PICTURE = Buffer.from('\x89PNG\r\n\x1a\n a picture the manager attached', 'latin1');

/** amoCRM's attachment host: serves the picture, and answers `status` for the paths that should fail. */
async function startAttachmentHost() {
  const hits: string[] = [];
  const served: string[] = [];
  const failing = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const status = failing.get(req.url ?? '');
    if (status !== undefined) return void res.writeHead(status).end();
    served.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': PICTURE.length }).end(PICTURE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, served, failing, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// Manager files reach the messenger as our own signed links to a copy, so they outlive amoCRM's links.
describe('relay: files in manager messages are mirrored', () => {
  let h: RelayHarness;
  let host: Awaited<ReturnType<typeof startAttachmentHost>>;
  let dir: string;
  const app = () =>
    createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [mediaRoutes({ store: createMediaStore(dir), key: KEY })],
    });

  /** The relay with files mirrored into `dir`, as start-backend wires it. */
  const startRelay = (maxBytes: number) => {
    const media = createMediaMirror({
      store: createMediaStore(dir),
      fetch,
      publicUrl: () => PUBLIC_URL,
      key: KEY,
      maxBytes,
    });
    return startRelayHarness({ worker: { media } });
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-media-'));
    host = await startAttachmentHost();
    h = await startRelay(1024);
  });
  afterEach(async () => {
    await h.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function managerFile(path: string, extra: { thumbnail?: string } = {}) {
    const first = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, first.msgid));
    const chat = h.emulator.listChats(h.scopeId)[0];
    const message = {
      type: 'picture' as const,
      text: 'Your invoice',
      media: `${host.url}${path}`,
      file_name: 'invoice.png',
      file_size: PICTURE.length,
      ...extra,
    };
    const sent = await h.emulator.sendMessage({ chatId: chat?.id ?? '', message });
    return sent.message.id;
  }

  it('hands the messenger our link and thumbnail, and the links serve the exact bytes', async () => {
    const amojoMsgId = await managerFile('/files/invoice.png', { thumbnail: `${host.url}/files/thumb.png` });
    await waitFor('delivered at amojo', () => h.emulator.getMessage(amojoMsgId)?.deliveryStatus?.status === 1);
    const [event] = h.messenger.accepted();
    const content = (event as { message: { url: string; thumbnail_url: string; caption: string } }).message;
    expect(content).toMatchObject({ type: 'picture', file_name: 'invoice.png', caption: 'Your invoice' });
    expect(content.url).toMatch(/^https:\/\/channel\.example\.test\/media\/[A-Za-z0-9_-]{32}\?expires=\d+&sig=/);
    expect(content.thumbnail_url).toMatch(/^https:\/\/channel\.example\.test\/media\//);
    expect(content.thumbnail_url).not.toBe(content.url);
    for (const link of [content.url, content.thumbnail_url]) {
      const served = await app().request(link.slice(PUBLIC_URL.length));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer())).toEqual(PICTURE);
    }
    expect(host.hits.sort()).toEqual(['/files/invoice.png', '/files/thumb.png']);
  });

  it('retries while the attachment host fails, without downloading twice once it works', async () => {
    host.failing.set('/files/flaky.png', 503);
    const amojoMsgId = await managerFile('/files/flaky.png');
    await waitFor('a few failed downloads', () => host.hits.length >= 2);
    host.failing.delete('/files/flaky.png');
    await waitFor('delivered at amojo', () => h.emulator.getMessage(amojoMsgId)?.deliveryStatus?.status === 1);
    await waitFor('all jobs done', () => h.settled());
    expect(h.messenger.accepted()).toHaveLength(1);
    expect(host.served).toEqual(['/files/flaky.png']);
    expect(host.hits.length).toBeGreaterThanOrEqual(3);
  });

  it('reports a file amoCRM no longer has as -1/905 with a readable reason, and delivers nothing', async () => {
    host.failing.set('/files/gone.png', 404);
    const amojoMsgId = await managerFile('/files/gone.png');
    await waitFor('error at amojo', () => h.emulator.getMessage(amojoMsgId)?.deliveryStatus?.status === -1);
    expect(h.emulator.getMessage(amojoMsgId)?.deliveryStatus).toMatchObject({
      errorCode: 905,
      error: 'amoCRM did not hand out the file (HTTP 404).',
    });
    expect(h.messenger.accepted()).toEqual([]);
  });

  it('refuses a file over MEDIA_MAX_BYTES as -1/905 naming the limit', async () => {
    await h.close();
    h = await startRelay(10);
    const amojoMsgId = await managerFile('/files/big.png');
    await waitFor('error at amojo', () => h.emulator.getMessage(amojoMsgId)?.deliveryStatus?.status === -1);
    expect(h.emulator.getMessage(amojoMsgId)?.deliveryStatus?.error).toBe(
      'The file is larger than the 10 bytes this channel forwards.',
    );
    expect(h.messenger.accepted()).toEqual([]);
  });
});
