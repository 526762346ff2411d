import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { createDatabaseMediaStore, MEDIA_CHUNK_BYTES } from '../../src/media/create-database-media-store';
import { MediaTooLargeError } from '../../src/media/create-media-store';
import { insertMediaChunk } from '../../src/store/media-files-repo';
import { describeEachDatabase } from '../store/helpers/test-databases';

/** `bytes` cut into pieces of `pieceBytes`, as a download arrives. */
async function* pieces(bytes: Buffer, pieceBytes = 10_000): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += pieceBytes) yield new Uint8Array(bytes.subarray(at, at + pieceBytes));
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describeEachDatabase('createDatabaseMediaStore', (t) => {
  let clock = 1_000_000;
  const now = () => clock;
  const chunkRows = async () => {
    const { rows } = await sql<{ upload: string; seq: number; size: number }>`
      select upload_id as upload, seq, length(bytes) as size from media_chunks order by upload_id, seq`.execute(t.db);
    return rows.map((r) => ({ upload: r.upload, seq: Number(r.seq), size: Number(r.size) }));
  };

  beforeEach(async () => {
    clock = 1_000_000;
    await sql`delete from media_files`.execute(t.db);
    await sql`delete from media_chunks`.execute(t.db);
  });

  it('stores a file in 256 KiB chunks and reads back the same bytes with its metadata', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const bytes = randomBytes(2 * MEDIA_CHUNK_BYTES + 12_345);
    const saved = await store.save('file-1', pieces(bytes), { contentType: 'image/png', fileName: 'a b.png' }, 1e9);
    expect(saved).toEqual({
      id: 'file-1',
      size: bytes.length,
      contentType: 'image/png',
      fileName: 'a b.png',
      savedAt: clock,
    });
    expect(await store.find('file-1')).toEqual(saved);
    expect((await chunkRows()).map((r) => r.size)).toEqual([MEDIA_CHUNK_BYTES, MEDIA_CHUNK_BYTES, 12_345]);
    expect((await readAll(store.read('file-1'))).equals(bytes)).toBe(true);
  });

  it('keeps an empty file and one without a name', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    await store.save('empty', pieces(Buffer.alloc(0)), { contentType: 'text/plain' }, 10);
    expect(await store.find('empty')).toEqual({ id: 'empty', size: 0, contentType: 'text/plain', savedAt: clock });
    expect((await readAll(store.read('empty'))).length).toBe(0);
    expect(await store.find('never-saved')).toBeUndefined();
  });

  it('writes chunks while the download still arrives, and the file is findable only once it is complete', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const seen: { chunks: number; findable: boolean }[] = [];
    async function* slowBody() {
      yield new Uint8Array(MEDIA_CHUNK_BYTES + 1);
      // The download is not over: what is in the database now is what a crash here would leave.
      seen.push({ chunks: (await chunkRows()).length, findable: (await store.find('growing')) !== undefined });
      yield new Uint8Array(MEDIA_CHUNK_BYTES);
    }
    await store.save('growing', slowBody(), { contentType: 'application/octet-stream' }, 1e9);
    expect(seen).toEqual([{ chunks: 1, findable: false }]);
    expect((await store.find('growing'))?.size).toBe(2 * MEDIA_CHUNK_BYTES + 1);
  });

  it('refuses a file over maxBytes with MediaTooLargeError and keeps none of it', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const bytes = randomBytes(MEDIA_CHUNK_BYTES * 2);
    const saving = store.save('big', pieces(bytes, 50_000), { contentType: 'image/png' }, MEDIA_CHUNK_BYTES + 10);
    await expect(saving).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(await store.find('big')).toBeUndefined();
    expect(await chunkRows()).toEqual([]);
  });

  it('keeps nothing of a download that fails half-way, and passes its error on', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    async function* broken() {
      yield new Uint8Array(MEDIA_CHUNK_BYTES * 2);
      throw new Error('connection reset');
    }
    await expect(store.save('cut', broken(), { contentType: 'image/png' }, 1e9)).rejects.toThrow('connection reset');
    expect(await store.find('cut')).toBeUndefined();
    expect(await chunkRows()).toEqual([]);
  });

  it('reads one chunk at a time: chunks not yet asked for are fetched only when the reader gets to them', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    await store.save('long', pieces(randomBytes(MEDIA_CHUNK_BYTES * 6)), { contentType: 'video/mp4' }, 1e9);
    const reader = store.read('long')[Symbol.asyncIterator]();
    expect(((await reader.next()).value as Buffer).length).toBe(MEDIA_CHUNK_BYTES);
    // Had the stream read ahead (or buffered the whole file), these would already be in memory and arrive anyway.
    await sql`delete from media_chunks where seq >= 3`.execute(t.db);
    const rest = (async () => {
      let read = 0;
      for (let step = await reader.next(); !step.done; step = await reader.next()) read += 1;
      return read;
    })();
    await expect(rest).rejects.toThrow(/lost its chunk 3/);
  });

  it('fails the stream of a file that is not stored', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    await expect(readAll(store.read('missing'))).rejects.toThrow(/not stored/);
  });

  it('prunes files saved before the cutoff with their chunks, and chunks of uploads a crash left behind', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const old = randomBytes(MEDIA_CHUNK_BYTES + 1);
    await store.save('old', pieces(old), { contentType: 'image/png' }, 1e9);
    await insertMediaChunk(t.db, { uploadId: 'crashed-long-ago', seq: 0, bytes: Buffer.from('x'), startedAt: clock });
    clock = 5_000_000;
    const fresh = randomBytes(100);
    await store.save('fresh', pieces(fresh), { contentType: 'image/png' }, 1e9);
    await insertMediaChunk(t.db, { uploadId: 'still-running', seq: 0, bytes: Buffer.from('y'), startedAt: clock });

    expect(await store.prune(2_000_000)).toBe(1);
    expect(await store.find('old')).toBeUndefined();
    expect(await store.find('fresh')).toBeDefined();
    expect((await readAll(store.read('fresh'))).equals(fresh)).toBe(true);
    const uploads = new Set((await chunkRows()).map((r) => r.upload));
    expect(uploads.has('crashed-long-ago')).toBe(false);
    expect(uploads.has('still-running')).toBe(true);
    expect(uploads.size).toBe(2);
  });

  it('touch moves a file past the prune cutoff, never backwards, and says whether the file is kept', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const bytes = randomBytes(MEDIA_CHUNK_BYTES + 5);
    await store.save('replayed', pieces(bytes), { contentType: 'image/png' }, 1e9);
    await store.save('untouched', pieces(randomBytes(10)), { contentType: 'image/png' }, 1e9);
    expect(await store.touch('replayed', 9_000_000)).toBe(true);
    // A lagging clock's touch keeps the later time.
    expect(await store.touch('replayed', 2_000_000)).toBe(true);
    expect(await store.find('replayed')).toMatchObject({ savedAt: 9_000_000 });
    expect(await store.touch('never-saved', 9_000_000)).toBe(false);

    expect(await store.prune(8_000_000)).toBe(1);
    expect(await store.find('untouched')).toBeUndefined();
    expect((await readAll(store.read('replayed'))).equals(bytes)).toBe(true);
  });

  it('keeps the first of two uploads of one file that complete, and drops the chunks of the other', async () => {
    const store = createDatabaseMediaStore(t.db, now);
    const bytes = randomBytes(MEDIA_CHUNK_BYTES + 7);
    const first = await store.save('twice', pieces(bytes), { contentType: 'image/png' }, 1e9);
    clock += 1000;
    const second = await store.save('twice', pieces(bytes), { contentType: 'image/png' }, 1e9);
    expect(second).toEqual(first);
    expect(new Set((await chunkRows()).map((r) => r.upload)).size).toBe(1);
    expect((await readAll(store.read('twice'))).equals(bytes)).toBe(true);
  });
});
