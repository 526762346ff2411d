import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDatabaseMediaStore, MEDIA_CHUNK_BYTES } from '../../src/media/create-database-media-store';
import { createLayeredMediaStore } from '../../src/media/create-layered-media-store';
import { createMediaStore } from '../../src/media/create-media-store';
import { describeEachDatabase } from '../store/helpers/test-databases';

const clock = Date.UTC(2025, 0, 15, 12, 0, 0);
const day = 86_400_000;

async function* pieces(bytes: Buffer): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 10_000) yield new Uint8Array(bytes.subarray(at, at + 10_000));
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

// The upgrade of a PostgreSQL deployment with MEDIA_DIR unset: files mirrored to ./data/media before it must stay
// findable, readable and prunable once new files go to the database.
describeEachDatabase('createLayeredMediaStore', (t) => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'layered-media-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const stores = () => {
    const database = createDatabaseMediaStore(t.db, () => clock);
    const disk = createMediaStore(dir, () => clock);
    return { database, disk, layered: createLayeredMediaStore(database, disk) };
  };

  it('finds and reads a file the earlier version saved on disk, and saves a new one to the database only', async () => {
    const { database, disk, layered } = stores();
    const old = randomBytes(70_000);
    const saved = await disk.save('before-upgrade', pieces(old), { contentType: 'image/png', fileName: 'a.png' }, 1e9);
    expect(await layered.find('before-upgrade')).toEqual(saved);
    expect((await readAll(layered.read('before-upgrade'))).equals(old)).toBe(true);

    const fresh = randomBytes(MEDIA_CHUNK_BYTES + 3);
    const stored = await layered.save('after-upgrade', pieces(fresh), { contentType: 'image/jpeg' }, 1e9);
    expect(await database.find('after-upgrade')).toEqual(stored);
    expect(await disk.find('after-upgrade')).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['before-upgrade', 'before-upgrade.json']);
    expect(await layered.find('after-upgrade')).toEqual(stored);
    expect((await readAll(layered.read('after-upgrade'))).equals(fresh)).toBe(true);
    expect(await layered.find('never-saved')).toBeUndefined();
  });

  it('prefers the database copy when both hold the file', async () => {
    const { disk, layered } = stores();
    await disk.save('both', pieces(Buffer.from('disk copy')), { contentType: 'text/plain' }, 1e9);
    await layered.save('both', pieces(Buffer.from('database copy')), { contentType: 'text/html' }, 1e9);
    expect(await layered.find('both')).toMatchObject({ contentType: 'text/html', size: 13 });
    expect((await readAll(layered.read('both'))).toString()).toBe('database copy');
  });

  it('prunes old files in both places and counts them all', async () => {
    const { database, disk, layered } = stores();
    await disk.save('old-on-disk', pieces(Buffer.from('old')), { contentType: 'text/plain' }, 1e9);
    await disk.save('young-on-disk', pieces(Buffer.from('young')), { contentType: 'text/plain' }, 1e9);
    const ago = new Date(clock - 9 * day);
    for (const name of ['old-on-disk', 'old-on-disk.json']) await utimes(join(dir, name), ago, ago);
    await layered.save('old-in-database', pieces(Buffer.from('old')), { contentType: 'text/plain' }, 1e9);
    const young = createLayeredMediaStore(
      createDatabaseMediaStore(t.db, () => clock + 5 * day),
      disk,
    );
    await young.save('young-in-database', pieces(Buffer.from('young')), { contentType: 'text/plain' }, 1e9);

    expect(await layered.prune(clock + day)).toBe(2);
    expect(await layered.find('old-on-disk')).toBeUndefined();
    expect(await database.find('old-in-database')).toBeUndefined();
    expect(await layered.find('young-on-disk')).toBeDefined();
    expect(await layered.find('young-in-database')).toBeDefined();
    expect((await readdir(dir)).sort()).toEqual(['young-on-disk', 'young-on-disk.json']);
  });

  it('touches a file where it is kept, and reports one kept nowhere', async () => {
    const { disk, layered } = stores();
    await disk.save('on-disk', pieces(Buffer.from('old')), { contentType: 'text/plain' }, 1e9);
    const ago = new Date(clock - 9 * day);
    for (const name of ['on-disk', 'on-disk.json']) await utimes(join(dir, name), ago, ago);
    await layered.save('in-database', pieces(Buffer.from('new')), { contentType: 'text/plain' }, 1e9);

    expect(await layered.touch('on-disk', clock + 2 * day)).toBe(true);
    expect(await layered.touch('in-database', clock + 2 * day)).toBe(true);
    expect(await layered.touch('nowhere', clock + 2 * day)).toBe(false);
    expect(await layered.prune(clock + day)).toBe(0);
    expect((await readAll(layered.read('on-disk'))).toString()).toBe('old');
  });
});
