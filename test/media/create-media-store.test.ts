import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaStore, MediaTooLargeError } from '../../src/media/create-media-store';

const clock = Date.UTC(2025, 0, 15, 12, 0, 0);
const hour = 60 * 60 * 1000;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(out);
}

async function setMtime(name: string, ms: number) {
  await utimes(join(dir, name), ms / 1000, ms / 1000);
}

async function saveText(store: ReturnType<typeof createMediaStore>, id: string, text: string) {
  return store.save(id, chunks(Buffer.from(text)), { contentType: 'text/plain' }, 1024);
}

describe('createMediaStore', () => {
  it('saves an async iterable of chunks, then finds its metadata and reads the same bytes back', async () => {
    const store = createMediaStore(dir, () => clock);
    const parts = [Buffer.from('%PDF-1.7\n'), new Uint8Array([0, 1, 2, 255, 254]), Buffer.from('Привет, мир\n')];
    const expected = Buffer.concat(parts);
    const saved = await store.save(
      'file-one',
      chunks(...parts),
      { contentType: 'application/pdf', fileName: 'Счёт №1.pdf' },
      expected.length,
    );
    const meta = {
      id: 'file-one',
      size: expected.length,
      contentType: 'application/pdf',
      fileName: 'Счёт №1.pdf',
      savedAt: clock,
    };
    expect(saved).toEqual(meta);
    expect(await store.find('file-one')).toEqual(meta);
    expect((await bytesOf(store.read('file-one'))).equals(expected)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['file-one', 'file-one.json']);
  });

  it('leaves fileName out of the metadata when none was given', async () => {
    const store = createMediaStore(dir, () => clock);
    await store.save('no-name', chunks(), { contentType: 'image/png' }, 10);
    const found = await store.find('no-name');
    expect(found).toEqual({ id: 'no-name', size: 0, contentType: 'image/png', savedAt: clock });
    expect(found && 'fileName' in found).toBe(false);
    expect(await bytesOf(store.read('no-name'))).toHaveLength(0);
  });

  it('creates a missing directory on first save', async () => {
    const nested = join(dir, 'a', 'b');
    const store = createMediaStore(nested, () => clock);
    await saveText(store, 'nested', 'hi');
    expect(await readdir(nested)).toContain('nested.json');
  });

  it('throws MediaTooLargeError over maxBytes and keeps nothing, not even a partial file', async () => {
    const store = createMediaStore(dir, () => clock);
    const attempt = store.save(
      'too-big',
      chunks(Buffer.alloc(6, 1), Buffer.alloc(6, 2)),
      { contentType: 'application/octet-stream' },
      10,
    );
    await expect(attempt).rejects.toBeInstanceOf(MediaTooLargeError);
    await expect(attempt).rejects.toMatchObject({ maxBytes: 10 });
    expect(await store.find('too-big')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const store = createMediaStore(dir, () => clock);
    const saved = await store.save('exact', chunks(Buffer.alloc(6), Buffer.alloc(4)), { contentType: 'x/y' }, 10);
    expect(saved.size).toBe(10);
  });

  it('keeps nothing when the body fails part way', async () => {
    const store = createMediaStore(dir, () => clock);
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('first');
      throw new Error('connection reset');
    }
    await expect(store.save('broken', broken(), { contentType: 'x/y' }, 100)).rejects.toThrow('connection reset');
    expect(await store.find('broken')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('finds nothing for an unknown id or for bytes without metadata', async () => {
    const store = createMediaStore(dir, () => clock);
    expect(await store.find('never-saved')).toBeUndefined();
    await writeFile(join(dir, 'orphan'), 'bytes only');
    expect(await store.find('orphan')).toBeUndefined();
    await writeFile(join(dir, 'corrupt.json'), '{"id":"corrupt"}');
    expect(await store.find('corrupt')).toBeUndefined();
  });

  it('prunes files older than the cutoff, keeps newer ones and counts what it removed', async () => {
    const store = createMediaStore(dir, () => clock);
    await saveText(store, 'old-one', 'old 1');
    await saveText(store, 'old-two', 'old 2');
    await saveText(store, 'fresh', 'fresh');
    for (const name of ['old-one', 'old-one.json', 'old-two', 'old-two.json']) await setMtime(name, clock - 3 * hour);
    for (const name of ['fresh', 'fresh.json']) await setMtime(name, clock);

    expect(await store.prune(clock - hour)).toBe(2);
    expect(await store.find('old-one')).toBeUndefined();
    expect(await store.find('old-two')).toBeUndefined();
    expect(await store.find('fresh')).toMatchObject({ id: 'fresh', size: 5 });
    expect((await bytesOf(store.read('fresh'))).toString()).toBe('fresh');
    expect((await readdir(dir)).sort()).toEqual(['fresh', 'fresh.json']);
    expect(await store.prune(clock - hour)).toBe(0);
  });

  it('judges a saved file by its metadata, so old bytes with fresh metadata stay', async () => {
    const store = createMediaStore(dir, () => clock);
    await saveText(store, 'kept', 'still wanted');
    await setMtime('kept', clock - 3 * hour);
    await setMtime('kept.json', clock);
    expect(await store.prune(clock - hour)).toBe(0);
    expect((await bytesOf(store.read('kept'))).toString()).toBe('still wanted');
  });

  it('touch makes an old file count as saved now for prune, and says whether the file is kept', async () => {
    const store = createMediaStore(dir, () => clock);
    await saveText(store, 'replayed', 'asked for again');
    await saveText(store, 'untouched', 'forgotten');
    for (const name of ['replayed', 'replayed.json', 'untouched', 'untouched.json']) {
      await setMtime(name, clock - 3 * hour);
    }
    expect(await store.touch('replayed', clock)).toBe(true);
    expect(await store.touch('never-saved', clock)).toBe(false);
    // Bytes without metadata are no kept file.
    await writeFile(join(dir, 'orphan'), 'bytes only');
    expect(await store.touch('orphan', clock)).toBe(false);

    expect(await store.prune(clock - hour)).toBe(1);
    expect(await store.find('untouched')).toBeUndefined();
    expect((await bytesOf(store.read('replayed'))).toString()).toBe('asked for again');
    expect((await readdir(dir)).sort()).toEqual(['orphan', 'replayed', 'replayed.json']);
  });

  it('removes old orphan data and partial files without counting them, and keeps fresh ones', async () => {
    const store = createMediaStore(dir, () => clock);
    await writeFile(join(dir, 'old-orphan'), 'crashed before metadata');
    await writeFile(join(dir, 'old-orphan.123.abc.part'), 'half a file');
    await writeFile(join(dir, 'fresh-orphan.456.def.part'), 'a save in progress');
    await setMtime('old-orphan', clock - 3 * hour);
    await setMtime('old-orphan.123.abc.part', clock - 3 * hour);
    await setMtime('fresh-orphan.456.def.part', clock);

    expect(await store.prune(clock - hour)).toBe(0);
    expect(await readdir(dir)).toEqual(['fresh-orphan.456.def.part']);
  });
});
