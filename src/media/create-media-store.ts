import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import * as z from 'zod/mini';

export interface StoredMedia {
  id: string;
  size: number;
  contentType: string;
  fileName?: string | undefined;
  savedAt: number;
}

export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`media is larger than ${maxBytes} bytes`);
  }
}

export interface MediaStore {
  /** The file's metadata, or undefined when it was never saved completely (or was pruned). */
  find(id: string): Promise<StoredMedia | undefined>;
  /**
   * Streams `body` to disk and makes it durable before resolving. Over `maxBytes` it throws MediaTooLargeError and
   * keeps nothing; a half-written file is never visible, because the metadata that makes it findable comes last.
   */
  save(
    id: string,
    body: AsyncIterable<Uint8Array>,
    meta: { contentType: string; fileName?: string | undefined },
    maxBytes: number,
  ): Promise<StoredMedia>;
  read(id: string): Readable;
  /**
   * Counts the file as saved at `atMs` from now on, so that prune keeps it as long as a link signed now may be used;
   * false when it is not kept (never saved, or pruned). A mirror hit calls it before signing a new link.
   */
  touch(id: string, atMs: number): Promise<boolean>;
  /** Deletes files saved before `beforeMs`; returns how many. */
  prune(beforeMs: number): Promise<number>;
}

const metaSchema = z.object({
  id: z.string(),
  size: z.number(),
  contentType: z.string(),
  fileName: z.optional(z.string()),
  savedAt: z.number(),
});

/** Mirrored media on the local disk: `<dir>/<id>` holds the bytes and `<dir>/<id>.json` what we know of them. */
export function createMediaStore(dir: string, now: () => number = Date.now): MediaStore {
  const ready = mkdir(dir, { recursive: true });
  const dataPath = (id: string) => join(dir, id);
  const metaPath = (id: string) => join(dir, `${id}.json`);

  async function writeDurably(path: string, chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number> {
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    const file = await open(partial, 'wx');
    let size = 0;
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new MediaTooLargeError(maxBytes);
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(partial, { force: true });
      throw error;
    }
    await file.close();
    await rename(partial, path);
    return size;
  }

  async function* once(text: string) {
    yield Buffer.from(text);
  }

  return {
    async find(id) {
      try {
        const parsed = metaSchema.safeParse(JSON.parse(await readFile(metaPath(id), 'utf8')));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    async save(id, body, meta, maxBytes) {
      await ready;
      const size = await writeDurably(dataPath(id), body, maxBytes);
      const stored: StoredMedia = { id, size, contentType: meta.contentType, savedAt: now() };
      if (meta.fileName !== undefined) stored.fileName = meta.fileName;
      await writeDurably(metaPath(id), once(JSON.stringify(stored)), Number.MAX_SAFE_INTEGER);
      // The renames are durable once the directory is.
      const directory = await open(dir, 'r');
      await directory.sync().finally(() => directory.close());
      return stored;
    },
    read: (id) => createReadStream(dataPath(id)),
    async touch(id, atMs) {
      // prune goes by the files' mtime. The metadata first: once it is young, prune keeps the bytes too. The JSON's
      // savedAt stays the first save's time; nothing reads it to decide a file's life.
      const at = new Date(atMs);
      try {
        await utimes(metaPath(id), at, at);
        await utimes(dataPath(id), at, at);
        return true;
      } catch {
        return false;
      }
    },
    async prune(beforeMs) {
      await ready;
      const names = await readdir(dir);
      const isOld = async (name: string) =>
        ((await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? Number.POSITIVE_INFINITY) < beforeMs;
      const kept = new Set<string>();
      let pruned = 0;
      // The metadata goes first, so a file is never findable without its bytes.
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        if (!(await isOld(name))) {
          kept.add(name);
          continue;
        }
        await rm(join(dir, name), { force: true });
        await rm(join(dir, name.slice(0, -'.json'.length)), { force: true });
        pruned += 1;
      }
      // Bytes without metadata: a save interrupted by a crash, or parts of one.
      for (const name of names.filter((n) => !n.endsWith('.json') && !kept.has(`${n}.json`))) {
        if (await isOld(name)) await rm(join(dir, name), { force: true });
      }
      return pruned;
    },
  };
}
