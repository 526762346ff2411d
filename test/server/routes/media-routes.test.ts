import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaStore, type MediaStore } from '../../../src/media/create-media-store';
import { deriveMediaLinkKey, MEDIA_ID, signMediaLink } from '../../../src/media/media-link';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { mediaRoutes } from '../../../src/server/routes/media-routes';

const clock = Date.UTC(2025, 0, 15, 12, 0, 0);
const key = deriveMediaLinkKey(Buffer.alloc(32, 5).toString('base64'));
const id = 'Qm9va2luZ19jb25maXJtYXRpb25fMDEy';
const fileName = 'Договор №7 (копия).pdf';
const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0, 255, 128, 10]), Buffer.from('Подпись\n')]);

async function* body(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

let dir: string;
let store: MediaStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-routes-'));
  store = createMediaStore(dir, () => clock);
  await store.save(id, body(bytes), { contentType: 'application/pdf', fileName }, 1024);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function app(nowMs = clock) {
  return createApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [mediaRoutes({ store, key, now: () => nowMs })],
  });
}

/** The path and query of a link signed like the mirror signs it. */
function pathOf(mediaId: string, expiresAtMs = clock + 60_000, signingKey = key): string {
  const url = new URL(signMediaLink({ baseUrl: 'https://channel.example', id: mediaId, expiresAtMs, key: signingKey }));
  return `${url.pathname}${url.search}`;
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe('GET /media/:id', () => {
  it('serves the stored bytes with safe headers for a valid link', async () => {
    expect(id).toMatch(MEDIA_ID);
    const res = await app().request(pathOf(id));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/(^|;\s*)sandbox(\s*;|$)/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toBe(`inline; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1] ?? '')).toBe(fileName);
    expect(disposition).not.toMatch(/[^\x20-\x7e]/);
  });

  it('sends no content-disposition for a file saved without a name', async () => {
    const unnamed = 'VW5uYW1lZF9maWxlX3dpdGhvdXRfbmFt';
    await store.save(unnamed, body(Buffer.from('png bytes')), { contentType: 'image/png' }, 1024);
    const res = await app().request(pathOf(unnamed));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('png bytes');
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.has('content-disposition')).toBe(false);
  });

  it('serves a file whose stored name holds lone surrogates, naming them U+FFFD', async () => {
    const broken = 'QnJva2VuX25hbWVfd2l0aF9zdXJyb2dh';
    await store.save(
      broken,
      body(Buffer.from('text')),
      { contentType: 'text/plain', fileName: 'a\ud800b\udc00.txt' },
      1024,
    );
    for (const method of ['GET', 'HEAD']) {
      const res = await app().request(pathOf(broken), { method });
      expect(res.status).toBe(200);
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(disposition).toBe(`inline; filename*=UTF-8''a%EF%BF%BDb%EF%BF%BD.txt`);
      expect(decodeURIComponent(disposition.split("UTF-8''")[1] ?? '')).toBe('a\ufffdb\ufffd.txt');
    }
    // A pair stays the character it encodes.
    const emoji = 'RW1vamlfbmFtZV9vZl90aGlydHl0d29f';
    await store.save(emoji, body(Buffer.from('png')), { contentType: 'image/png', fileName: '👍.png' }, 1024);
    const res = await app().request(pathOf(emoji));
    expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('👍.png')}`);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await app().request(pathOf(id), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(await res.text()).toBe('');
  });

  it('answers 403 media_link_invalid for a tampered signature', async () => {
    const path = pathOf(id);
    const sig = new URL(path, 'http://x').searchParams.get('sig') ?? '';
    const tampered = path.replace(`sig=${sig}`, `sig=${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect(tampered).not.toBe(path);
    await expectError(await app().request(tampered), 403, 'media_link_invalid');
  });

  it('answers 403 media_link_invalid for missing parameters or a link for another id', async () => {
    await expectError(await app().request(`/media/${id}`), 403, 'media_link_invalid');
    const otherLink = pathOf('T3RoZXJfZmlsZV9pZF90aGF0X2lzXzMy');
    await expectError(
      await app().request(otherLink.replace('T3RoZXJfZmlsZV9pZF90aGF0X2lzXzMy', id)),
      403,
      'media_link_invalid',
    );
    await expectError(
      await app().request(pathOf(id, clock + 60_000, deriveMediaLinkKey(Buffer.alloc(32, 6).toString('base64')))),
      403,
      'media_link_invalid',
    );
  });

  it('answers 403 media_link_invalid for a malformed id even when it is signed', async () => {
    await expectError(await app().request(pathOf('short')), 403, 'media_link_invalid');
    await expectError(await app().request(pathOf(`${id}x`)), 403, 'media_link_invalid');
    await expectError(await app().request(pathOf(`${id.slice(0, 31)}.`)), 403, 'media_link_invalid');
  });

  it('answers 410 media_link_expired for a well-signed link past its expiry', async () => {
    await expectError(await app().request(pathOf(id, clock - 1000)), 410, 'media_link_expired');
    await expectError(await app(clock + 120_000).request(pathOf(id)), 410, 'media_link_expired');
  });

  it('answers 404 not_found for a valid link to a file that is not kept', async () => {
    await expectError(await app().request(pathOf('TmV2ZXJfc2F2ZWRfZmlsZV9pZGVudGl0')), 404, 'not_found');
  });
});
