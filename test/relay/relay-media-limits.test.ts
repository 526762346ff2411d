import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFreeSpaceGuard, type StatFs } from '../../src/media/create-free-space-guard';
import { createMediaMirror } from '../../src/media/create-media-mirror';
import { createMediaQuota, type MediaQuota } from '../../src/media/create-media-quota';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { ACCOUNT_AMOJO_ID, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const KEY = deriveMediaLinkKey(Buffer.alloc(32, 7).toString('base64'));
const PICTURE = Buffer.alloc(600, 0x42);
const GiB = 1024 ** 3;

/** amoCRM's attachment host, counting requests per path. */
async function startAttachmentHost() {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.on('error', () => {});
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': PICTURE.length }).end(PICTURE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// Media can never fill the disk: past the account's quota, or with the disk nearly full, a file is refused at once
// (-1/905 with the reason, never retried) while text messages keep flowing.
describe('relay: media quota and free-space guard', () => {
  let h: RelayHarness;
  let host: Awaited<ReturnType<typeof startAttachmentHost>>;
  let dir: string;
  let usageDb: OpenedDatabase;
  let quota: MediaQuota;
  let free: number;
  const statfs: StatFs = async () => ({ bsize: 1, blocks: 100 * GiB, bavail: free });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-media-limits-'));
    host = await startAttachmentHost();
    // The quota's table in a database of its own: the harness opens its store only once the worker options exist.
    usageDb = openDatabase('sqlite::memory:');
    await migrateToLatest(usageDb.db);
    quota = createMediaQuota({ db: usageDb.db, quotaBytes: 1000 });
    free = 50 * GiB;
    const media = createMediaMirror({
      store: createMediaStore(dir),
      fetch,
      publicUrl: () => 'https://channel.example.test',
      key: KEY,
      maxBytes: 10_000,
      quota,
      freeSpace: createFreeSpaceGuard({ dir, statfs, cacheMs: 0 }),
    });
    h = await startRelayHarness({ worker: { media } });
    const first = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, first.msgid));
  });
  afterEach(async () => {
    await h.close();
    await host.close();
    await usageDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const chatId = () => h.emulator.listChats(h.scopeId)[0]?.id ?? '';
  const send = async (message: Record<string, unknown>) =>
    (await h.emulator.sendMessage({ chatId: chatId(), message: message as never })).message.id;
  const managerFile = (path: string) =>
    send({ type: 'picture', media: `${host.url}${path}`, file_name: 'p.png', file_size: PICTURE.length });
  const status = (amojoMsgId: string) => h.emulator.getMessage(amojoMsgId)?.deliveryStatus;

  it("refuses a file past the account's quota as final -1/905, without retrying, and texts still go", async () => {
    const fits = await managerFile('/files/first.png');
    await waitFor('the first file delivered', () => status(fits)?.status === 1);
    expect(await quota.usage(ACCOUNT_AMOJO_ID.toLowerCase())).toBe(PICTURE.length);

    const over = await managerFile('/files/second.png');
    await waitFor('error at amojo', () => status(over)?.status === -1);
    expect(status(over)).toMatchObject({
      errorCode: 905,
      error: "This account's files of the last 8 days already fill the 1000 bytes quota.",
    });
    const text = await send({ type: 'text', text: 'Sorry, here is the link instead' });
    await waitFor('the text delivered', () => status(text)?.status === 1);
    await waitFor('all jobs done', () => h.settled());
    // Final: one request for the refused file, no retry, no dead letter waiting for a replay.
    expect(host.hits.filter((p) => p === '/files/second.png')).toHaveLength(1);
    expect((await h.jobs()).filter((j) => j.status === 'dead')).toEqual([]);
    expect(h.messenger.accepted()).toHaveLength(2);
    expect(await quota.usage(ACCOUNT_AMOJO_ID.toLowerCase())).toBe(PICTURE.length);
  });

  it('refuses new files while the disk is nearly full, and text messages still flow', async () => {
    free = GiB + 100;
    const refused = await managerFile('/files/full.png');
    await waitFor('error at amojo', () => status(refused)?.status === -1);
    expect(status(refused)).toMatchObject({
      errorCode: 905,
      error: "The channel's disk is nearly full, so it takes no new files for now.",
    });
    const text = await send({ type: 'text', text: 'Still here' });
    await waitFor('the text delivered', () => status(text)?.status === 1);
    await waitFor('all jobs done', () => h.settled());
    expect(host.hits).toEqual(['/files/full.png']);
    expect(h.messenger.accepted()).toHaveLength(1);
    // Nothing was written nor counted for the refused file.
    expect(await quota.usage(ACCOUNT_AMOJO_ID.toLowerCase())).toBe(0);

    // Once space is back (pruning, an operator), files go again.
    free = 50 * GiB;
    const later = await managerFile('/files/later.png');
    await waitFor('the later file delivered', () => status(later)?.status === 1);
  });
});
