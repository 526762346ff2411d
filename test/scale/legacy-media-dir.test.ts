import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey, MEDIA_LINK_TTL_MS, signMediaLink } from '../../src/media/media-link';
import { describeWithPostgres } from './helpers/describe-with-postgres';
import { DATA_ENCRYPTION_KEY, startTwoInstances, type TwoInstances } from './helpers/start-two-instances';

// The upgrade of a PostgreSQL deployment with MEDIA_DIR unset, which mirrored to the default MEDIA_DIR until now:
// the links it sent before (valid 7 days) must keep working once new files go to the database.
describeWithPostgres('media mirrored to disk before the move to the database', () => {
  let s: TwoInstances | undefined;
  let dir = '';
  const id = 'OldFileOnDisk_0123456789abcdefgh';
  const bytes = Buffer.from('mirrored by the previous version');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'legacy-media-'));
    await createMediaStore(dir).save(
      id,
      (async function* () {
        yield bytes;
      })(),
      { contentType: 'image/png', fileName: 'old.png' },
      1024,
    );
    s = await startTwoInstances({ legacyMediaDir: dir });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('are still served, by either instance, through the link signed before the upgrade', async () => {
    if (!s) throw new Error('not started');
    const link = new URL(
      signMediaLink({
        baseUrl: s.publicUrl,
        id,
        expiresAtMs: Date.now() + MEDIA_LINK_TTL_MS,
        key: deriveMediaLinkKey(DATA_ENCRYPTION_KEY),
      }),
    );
    for (const origin of s.urls) {
      const res = await fetch(`${origin}${link.pathname}${link.search}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect((await readdir(dir)).sort()).toEqual([id, `${id}.json`]);
  }, 60_000);
});
