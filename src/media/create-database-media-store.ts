import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import {
  completeMediaFile,
  deleteMediaUpload,
  findMediaFile,
  insertMediaChunk,
  type MediaFileRow,
  pruneMediaFiles,
  readMediaChunk,
  touchMediaFile,
} from '../store/media-files-repo';
import type { Database } from '../store/schema';
import { type MediaStore, MediaTooLargeError, type StoredMedia } from './create-media-store';

/**
 * Bytes per stored chunk: one row write per 256 KiB while a download arrives, and what a reader holds at a time. Big
 * enough that a 50 MB file is 200 rows, small enough that a server with many downloads in flight buffers little.
 */
export const MEDIA_CHUNK_BYTES = 256 * 1024;

const toStored = (row: MediaFileRow): StoredMedia => {
  const stored: StoredMedia = { id: row.id, size: row.size, contentType: row.contentType, savedAt: row.savedAt };
  if (row.fileName !== null) stored.fileName = row.fileName;
  return stored;
};

/**
 * Mirrored media in the database (media-files-repo.ts), for instances that share PostgreSQL but no disk: a link one
 * instance signed is served by any other. Streamed both ways, like the disk store: a download is written chunk by
 * chunk as it arrives, and read() fetches one chunk at a time as the reader asks for it, so no file is ever whole in
 * memory. The file row comes last, so a half-written file is never findable; a failure, or a file over `maxBytes`,
 * deletes the chunks written so far. Works on SQLite too, though there the disk store is the one chosen.
 */
export function createDatabaseMediaStore(db: Kysely<Database>, now: () => number = Date.now): MediaStore {
  async function writeChunks(uploadId: string, startedAt: number, body: AsyncIterable<Uint8Array>, maxBytes: number) {
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean) => {
      while (pendingBytes >= MEDIA_CHUNK_BYTES || (all && pendingBytes > 0)) {
        const joined = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, pendingBytes);
        const piece = joined.subarray(0, MEDIA_CHUNK_BYTES);
        await insertMediaChunk(db, { uploadId, seq, bytes: piece, startedAt });
        seq += 1;
        const rest = joined.subarray(piece.length);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    for await (const chunk of body) {
      size += chunk.byteLength;
      // Checked before anything of the chunk is kept, as the disk store does.
      if (size > maxBytes) throw new MediaTooLargeError(maxBytes);
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.byteLength;
      await flush(false);
    }
    await flush(true);
    return size;
  }

  async function* chunksOf(id: string): AsyncGenerator<Buffer> {
    const file = await findMediaFile(db, id);
    if (!file) throw new Error(`media ${id} is not stored`);
    let sent = 0;
    for (let seq = 0; sent < file.size; seq += 1) {
      const bytes = await readMediaChunk(db, file.uploadId, seq);
      // Pruned while being read, or damaged: the response breaks off rather than ending short as if complete.
      if (bytes === undefined || bytes.length === 0) throw new Error(`media ${id} lost its chunk ${seq}`);
      sent += bytes.length;
      yield bytes;
    }
  }

  return {
    async find(id) {
      const row = await findMediaFile(db, id);
      return row === undefined ? undefined : toStored(row);
    },
    async save(id, body, meta, maxBytes) {
      const uploadId = randomUUID();
      const startedAt = now();
      try {
        const size = await writeChunks(uploadId, startedAt, body, maxBytes);
        const row = await completeMediaFile(db, {
          id,
          uploadId,
          size,
          contentType: meta.contentType,
          fileName: meta.fileName ?? null,
          savedAt: now(),
        });
        return toStored(row);
      } catch (error) {
        // Best effort: what a failed cleanup leaves is pruned later as chunks no file names.
        await deleteMediaUpload(db, uploadId).catch(() => {});
        throw error;
      }
    },
    // A byte stream whose buffer holds one chunk: the next is fetched only once the reader has taken the last.
    read: (id) => Readable.from(chunksOf(id), { objectMode: false, highWaterMark: MEDIA_CHUNK_BYTES }),
    touch: (id, atMs) => touchMediaFile(db, id, atMs),
    prune: (beforeMs) => pruneMediaFiles(db, beforeMs),
  };
}
