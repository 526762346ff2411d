import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { createDatabaseMediaStore, MEDIA_CHUNK_BYTES } from '../../src/media/create-database-media-store';
import { deriveMediaLinkKey, signMediaLink } from '../../src/media/media-link';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { mediaRoutes } from '../../src/server/routes/media-routes';
import { describeEachDatabase } from '../store/helpers/test-databases';

const clock = Date.UTC(2025, 0, 15, 12, 0, 0);
const key = deriveMediaLinkKey(Buffer.alloc(32, 5).toString('base64'));
const id = 'RGF0YWJhc2VfbWVkaWFfcm91dGVfMDAx';

async function* pieces(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
}

// GET /media/:id over the database store: what every instance sharing PostgreSQL serves.
describeEachDatabase('GET /media/:id from the database store', (t) => {
  beforeEach(async () => {
    await sql`delete from media_files`.execute(t.db);
    await sql`delete from media_chunks`.execute(t.db);
  });

  const app = () =>
    createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [mediaRoutes({ store: createDatabaseMediaStore(t.db, () => clock), key, now: () => clock })],
    });
  const path = () => {
    const url = new URL(signMediaLink({ baseUrl: 'https://c.example', id, expiresAtMs: clock + 60_000, key }));
    return `${url.pathname}${url.search}`;
  };

  it('serves a file of several chunks with its length, type and name', async () => {
    const bytes = randomBytes(3 * MEDIA_CHUNK_BYTES + 99);
    await createDatabaseMediaStore(t.db, () => clock).save(
      id,
      pieces(bytes),
      { contentType: 'image/jpeg', fileName: 'фото.jpg' },
      1e9,
    );
    const res = await app().request(path());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('фото.jpg')}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('streams the response: chunks past what the client read are fetched only when it reads on', async () => {
    await createDatabaseMediaStore(t.db, () => clock).save(
      id,
      pieces(randomBytes(8 * MEDIA_CHUNK_BYTES)),
      { contentType: 'video/mp4' },
      1e9,
    );
    const res = await app().request(path());
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    expect((await reader.read()).done).toBe(false);
    // Whatever the response had already pulled would still arrive; a stream that read ahead by the whole file would
    // never notice these are gone.
    await sql`delete from media_chunks where seq >= 5`.execute(t.db);
    const drain = async () => {
      for (let step = await reader.read(); !step.done; step = await reader.read()) {}
    };
    await expect(drain()).rejects.toThrow();
  });

  it('answers 404 for a file that was never completed', async () => {
    expect((await app().request(path())).status).toBe(404);
  });
});
