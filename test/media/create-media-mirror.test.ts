import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStreamFetch } from '../../src/egress/create-stream-fetch';
import { createMediaMirror, type MediaMirrorOptions } from '../../src/media/create-media-mirror';
import { MEDIA_KEEP_MS } from '../../src/media/create-media-quota';
import { createMediaStore, type MediaStore } from '../../src/media/create-media-store';
import { checkMediaLink, deriveMediaLinkKey, MEDIA_LINK_TTL_MS } from '../../src/media/media-link';

const clock = Date.UTC(2025, 0, 15, 12, 0, 0);
const key = deriveMediaLinkKey(Buffer.alloc(32, 3).toString('base64'));
const maxBytes = 1024;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0xab), Buffer.from('%%EOF\n')]);

/** The "attachments host": what amoCRM's file links would answer, counting requests per path. */
const hits = new Map<string, number>();
let server: Server;
let origin: string;

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
  });
}

function close(s: Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve, reject) => s.close((error) => (error ? reject(error) : resolve())));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    // The client hangs up on purpose in the too-large and timeout cases.
    res.on('error', () => {});
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end('no file for you');
    } else if (path === '/files/report.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length }).end(pdf);
    } else if (path === '/files/untyped') {
      res.writeHead(200).end(Buffer.from('raw'));
    } else if (path === '/files/big-announced') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': maxBytes + 1 });
      res.end(Buffer.alloc(maxBytes + 1));
    } else if (path === '/files/big-chunked') {
      // No content-length: the size shows only while reading.
      res.writeHead(200, { 'content-type': 'video/mp4' });
      for (let i = 0; i < 8; i += 1) res.write(Buffer.alloc(256, i));
      res.end();
    } else if (path === '/files/stalls') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from('partial'));
    } else if (path === '/files/drip') {
      // A byte every few milliseconds: no read ever waits long, yet the file never ends.
      res.writeHead(200, { 'content-type': 'image/png' });
      const drip = setInterval(() => res.write(Buffer.from('.')), 5);
      res.on('close', () => clearInterval(drip));
    } else {
      res.writeHead(404).end();
    }
  });
  origin = await listen(server);
});

afterAll(async () => {
  await close(server);
});

let dir: string;
let store: MediaStore;

beforeEach(async () => {
  hits.clear();
  dir = await mkdtemp(join(tmpdir(), 'media-mirror-'));
  store = createMediaStore(dir, () => clock);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function mirrorWith(overrides: Partial<MediaMirrorOptions> = {}) {
  return createMediaMirror({
    store,
    fetch: globalThis.fetch,
    publicUrl: () => 'https://channel.example',
    key,
    maxBytes,
    now: () => clock,
    ...overrides,
  });
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(out);
}

function parseLink(link: string) {
  const url = new URL(link);
  const match = /^\/media\/([A-Za-z0-9_-]{32})$/.exec(url.pathname);
  return {
    base: url.origin,
    id: match?.[1] ?? '',
    expires: url.searchParams.get('expires') ?? undefined,
    sig: url.searchParams.get('sig') ?? undefined,
  };
}

describe('createMediaMirror', () => {
  it('downloads the file, keeps it with its content type and answers with our signed link', async () => {
    const link = await mirrorWith()(`${origin}/files/report.pdf`, 'hook-1:media', 'Отчёт.pdf');
    expect(link).toMatch(/^https:\/\/channel\.example\/media\/[A-Za-z0-9_-]{32}\?expires=\d+&sig=[A-Za-z0-9_-]+$/);
    const parsed = parseLink(link);
    expect(parsed.expires).toBe(String(Math.floor((clock + MEDIA_LINK_TTL_MS) / 1000)));
    expect(checkMediaLink({ ...parsed, key, nowMs: clock })).toBe('ok');
    expect(
      checkMediaLink({ ...parsed, key: deriveMediaLinkKey(Buffer.alloc(32, 4).toString('base64')), nowMs: clock }),
    ).toBe('invalid');

    expect(await store.find(parsed.id)).toEqual({
      id: parsed.id,
      size: pdf.length,
      contentType: 'application/pdf',
      fileName: 'Отчёт.pdf',
      savedAt: clock,
    });
    expect((await bytesOf(store.read(parsed.id))).equals(pdf)).toBe(true);
    expect(hits.get('/files/report.pdf')).toBe(1);
  });

  it('falls back to application/octet-stream when the host names no content type', async () => {
    const { id } = parseLink(await mirrorWith()(`${origin}/files/untyped`, 'hook-2:media'));
    const found = await store.find(id);
    expect(found).toMatchObject({ contentType: 'application/octet-stream', size: 3 });
    expect(found && 'fileName' in found).toBe(false);
  });

  it('reuses the copy for the same seed and downloads again for another seed', async () => {
    const mirror = mirrorWith();
    const source = `${origin}/files/report.pdf`;
    const first = parseLink(await mirror(source, 'hook-3:media'));
    const again = parseLink(await mirror(source, 'hook-3:media'));
    expect(again.id).toBe(first.id);
    expect(hits.get('/files/report.pdf')).toBe(1);

    const other = parseLink(await mirror(source, 'hook-4:media'));
    expect(other.id).not.toBe(first.id);
    expect(hits.get('/files/report.pdf')).toBe(2);
    expect((await bytesOf(store.read(other.id))).equals(pdf)).toBe(true);
  });

  it('gives a copy found again a new life as long as the new link, so a replay days later is not pruned under it', async () => {
    const source = `${origin}/files/report.pdf`;
    const { id } = parseLink(await mirrorWith()(source, 'replayed:media'));
    const savedAt = new Date(clock);
    for (const name of [id, `${id}.json`]) await utimes(join(dir, name), savedAt, savedAt);

    // A dead job replayed 7.5 days on: the copy is still kept (MEDIA_KEEP_MS is 8 days) and a new 7-day link signed.
    const replayedAt = clock + 7.5 * 86_400_000;
    const replayed = parseLink(await mirrorWith({ now: () => replayedAt })(source, 'replayed:media'));
    expect(replayed.id).toBe(id);
    expect(hits.get('/files/report.pdf')).toBe(1);
    expect(replayed.expires).toBe(String(Math.floor((replayedAt + MEDIA_LINK_TTL_MS) / 1000)));

    // The pruner a day later, while that link is young: the file must still be there.
    const prunedAt = replayedAt + 86_400_000;
    expect(await store.prune(prunedAt - MEDIA_KEEP_MS)).toBe(0);
    expect(checkMediaLink({ ...replayed, key, nowMs: prunedAt })).toBe('ok');
    expect((await bytesOf(store.read(id))).equals(pdf)).toBe(true);
  });

  it('reads the public URL on every call', async () => {
    let publicUrl = 'http://127.0.0.1:1111';
    const mirror = mirrorWith({ publicUrl: () => publicUrl });
    expect(parseLink(await mirror(`${origin}/files/report.pdf`, 'hook-5:media')).base).toBe(publicUrl);
    publicUrl = 'http://127.0.0.1:2222';
    expect(parseLink(await mirror(`${origin}/files/report.pdf`, 'hook-5:media')).base).toBe(publicUrl);
  });

  it.each([404, 403, 410])('treats HTTP %i as media_gone, not retryable', async (status) => {
    const attempt = mirrorWith()(`${origin}/status/${status}`, `gone-${status}`);
    await expect(attempt).rejects.toMatchObject({ name: 'MediaMirrorError', code: 'media_gone', retryable: false });
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([503, 500, 429, 408])('treats HTTP %i as media_unavailable, retryable', async (status) => {
    const attempt = mirrorWith()(`${origin}/status/${status}`, `busy-${status}`);
    await expect(attempt).rejects.toMatchObject({ code: 'media_unavailable', retryable: true });
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats an unreachable host as media_unavailable, retryable', async () => {
    const gone = createServer();
    const goneOrigin = await listen(gone);
    await close(gone);
    const attempt = mirrorWith()(`${goneOrigin}/files/report.pdf`, 'unreachable');
    await expect(attempt).rejects.toMatchObject({ code: 'media_unavailable', retryable: true });
  });

  it('refuses a download that stalls past its total time as media_too_slow, final, and keeps nothing', async () => {
    const attempt = mirrorWith({ timeoutMs: 300 })(`${origin}/files/stalls`, 'stalls');
    await expect(attempt).rejects.toMatchObject({
      code: 'media_too_slow',
      retryable: false,
      text: 'The file took longer than 1 s to download from amoCRM, so it was not sent.',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('caps a slow drip by its total time through the streaming transport, whose per-read timeout never fires', async () => {
    const fetch = createStreamFetch({ idleTimeoutMs: 60_000 });
    const attempt = mirrorWith({ fetch, timeoutMs: 200, maxBytes: 1024 * 1024 })(`${origin}/files/drip`, 'drip');
    await expect(attempt).rejects.toMatchObject({ code: 'media_too_slow', retryable: false });
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops at the relay job’s deadline and throws its reason, not a media failure', async () => {
    const deadline = new AbortController();
    const reason = new Error('the job passed its deadline');
    const attempt = mirrorWith({ fetch: createStreamFetch() })(
      `${origin}/files/drip`,
      'drip-job',
      undefined,
      undefined,
      deadline.signal,
    );
    setTimeout(() => deadline.abort(reason), 50);
    await expect(attempt).rejects.toBe(reason);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['announced by content-length', '/files/big-announced'],
    ['found while reading a chunked body', '/files/big-chunked'],
  ])('rejects a file too large (%s) as media_too_large and keeps nothing', async (_, path) => {
    const attempt = mirrorWith()(`${origin}${path}`, `big:${path}`);
    await expect(attempt).rejects.toMatchObject({ code: 'media_too_large', retryable: false });
    expect(hits.get(path)).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['', 'ftp://x', 'file:///etc/passwd', '/files/report.pdf', 'javascript:alert(1)'])(
    'answers media_gone without a request for the non-http source %j',
    async (source) => {
      const attempt = mirrorWith()(source, 'not-http');
      await expect(attempt).rejects.toMatchObject({ code: 'media_gone', retryable: false });
      expect(hits.size).toBe(0);
    },
  );
});
