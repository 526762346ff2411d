import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMediaMirror, MediaMirrorError } from '../../src/media/create-media-mirror';
import { createMediaQuota, MEDIA_KEEP_MS, type MediaQuota } from '../../src/media/create-media-quota';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';

const key = deriveMediaLinkKey(Buffer.alloc(32, 3).toString('base64'));
const FILE = Buffer.alloc(400, 0x61);
let server: Server;
let origin: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    res.on('error', () => {});
    if (req.url === '/unannounced') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(FILE);
    } else if (req.url === '/broken') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': FILE.length });
      res.write(FILE.subarray(0, 10));
      res.destroy();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': FILE.length }).end(FILE);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('createMediaMirror with a per-account quota', () => {
  let dir: string;
  let opened: OpenedDatabase;
  let quota: MediaQuota;
  let clock: number;

  beforeEach(async () => {
    hits = 0;
    clock = Date.UTC(2025, 0, 15);
    dir = await mkdtemp(join(tmpdir(), 'media-quota-'));
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    quota = createMediaQuota({ db: opened.db, quotaBytes: 1000, now: () => clock });
  });
  afterEach(async () => {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  });

  const mirror = (maxBytes = 10_000) =>
    createMediaMirror({
      store: createMediaStore(dir, () => clock),
      fetch,
      publicUrl: () => 'https://channel.example.test',
      key,
      maxBytes,
      quota,
      now: () => clock,
    });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) =>
        error instanceof MediaMirrorError ? { code: error.code, retryable: error.retryable } : error,
    );

  it('counts each file once, refuses the one past the quota as final, and lets other accounts be', async () => {
    const m = mirror();
    await m(`${origin}/a`, 'seed-a', undefined, 'acc');
    await m(`${origin}/a`, 'seed-a', undefined, 'acc');
    await m(`${origin}/b`, 'seed-b', undefined, 'acc');
    expect(hits).toBe(2);
    expect(await quota.usage('acc')).toBe(800);
    expect(await refusal(m(`${origin}/c`, 'seed-c', undefined, 'acc'))).toEqual({
      code: 'media_quota_exceeded',
      retryable: false,
    });
    await m(`${origin}/c`, 'seed-c', undefined, 'other');
    expect(await quota.usage('other')).toBe(400);
  });

  it('gives the quota back when the files expire, and the pruner forgets their rows', async () => {
    const m = mirror();
    await m(`${origin}/a`, 'seed-a', undefined, 'acc');
    await m(`${origin}/b`, 'seed-b', undefined, 'acc');
    clock += MEDIA_KEEP_MS + 1;
    expect(await quota.usage('acc')).toBe(0);
    await m(`${origin}/c`, 'seed-c', undefined, 'acc');
    expect(await quota.usage('acc')).toBe(400);
    expect(await quota.prune(clock - MEDIA_KEEP_MS)).toBe(2);
  });

  it('keeps nothing counted for a download that failed or was too large', async () => {
    expect(await refusal(mirror()(`${origin}/broken`, 'seed-x', undefined, 'acc'))).toEqual({
      code: 'media_unavailable',
      retryable: true,
    });
    expect(await refusal(mirror(100)(`${origin}/unannounced`, 'seed-y', undefined, 'acc'))).toEqual({
      code: 'media_too_large',
      retryable: false,
    });
    expect(await quota.usage('acc')).toBe(0);
  });

  it('counts a file of unannounced size at its real size once saved', async () => {
    await mirror(900)(`${origin}/unannounced`, 'seed-u', undefined, 'acc');
    expect(await quota.usage('acc')).toBe(400);
  });
});
