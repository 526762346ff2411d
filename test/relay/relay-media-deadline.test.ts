import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreamFetch } from '../../src/egress/create-stream-fetch';
import { createMediaMirror } from '../../src/media/create-media-mirror';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';
import type { RelayWorkerOptions } from '../../src/relay/create-relay-worker';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const KEY = deriveMediaLinkKey(Buffer.alloc(32, 9).toString('base64'));

/** amoCRM's attachment host dripping a byte every few milliseconds, never finishing; counts downloads cut off. */
async function startDrippingHost() {
  const state = { hits: 0, cutOff: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits += 1;
    res.on('error', () => {});
    res.writeHead(200, { 'content-type': 'image/png' });
    const drip = setInterval(() => res.write(Buffer.from('.')), 5);
    res.on('close', () => {
      clearInterval(drip);
      state.cutOff += 1;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return { url, state, close };
}

// A manager's file that arrives too slowly never holds the chat: the download's own cap refuses it for good
// (-1/905, no retry), and a job deadline that comes first still stops the download itself.
describe('relay: slow media downloads', () => {
  let h: RelayHarness;
  let host: Awaited<ReturnType<typeof startDrippingHost>>;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-media-deadline-'));
    host = await startDrippingHost();
  });
  afterEach(async () => {
    await h.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(timeoutMs: number, worker: Partial<RelayWorkerOptions> = {}) {
    const media = createMediaMirror({
      store: createMediaStore(dir),
      // The streaming transport, whose per-read timeout a drip never trips.
      fetch: createStreamFetch({ idleTimeoutMs: 60_000 }),
      publicUrl: () => 'https://channel.example.test',
      key: KEY,
      maxBytes: 10 * 1024 * 1024,
      timeoutMs,
    });
    h = await startRelayHarness({
      worker: { media, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 40 }, ...worker },
    });
    const sent = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990000003',
      message: { type: 'picture', media: `${host.url}/files/slow.png`, file_name: 'slow.png', file_size: 1000 },
    } as never);
    return sent.message.id;
  }
  const statusOf = (amojoMsgId: string) => h.emulator.getMessage(amojoMsgId)?.deliveryStatus;

  it('refuses a file slower than its download cap as final -1/905 naming the cap, downloaded once', async () => {
    const id = await start(300);
    await waitFor('-1 at amojo', () => statusOf(id)?.status === -1);
    expect(statusOf(id)).toMatchObject({
      errorCode: 905,
      error: 'The file took longer than 1 s to download from amoCRM, so it was not sent.',
    });
    await waitFor('all jobs done', () => h.settled());
    expect(host.state.hits).toBe(1);
    expect((await h.jobs()).filter((j) => j.status === 'dead')).toEqual([]);
    expect(h.messenger.received).toEqual([]);
  });

  it('stops the download itself at the job deadline, before its own cap, and retries as job_deadline', async () => {
    const id = await start(60_000, { jobDeadlineMs: (job) => (job.kind === 'bridge.deliver' ? 300 : 60_000) });
    await waitFor('-1 at amojo', () => statusOf(id)?.status === -1);
    expect(statusOf(id)).toMatchObject({ errorCode: 903 });
    const job = (await h.jobs()).find((j) => j.kind === 'bridge.deliver');
    expect(job).toMatchObject({ status: 'dead', attempts: 2, lastError: 'job_deadline' });
    // Both downloads were cut off by the job's signal, not left dripping until their own 60 s cap.
    await waitFor('both downloads closed', () => host.state.cutOff === 2);
    expect(host.state.hits).toBe(2);
  });
});
