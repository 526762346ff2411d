import { Readable } from 'node:stream';
import type { MediaStore } from './create-media-store';

/**
 * New files go to `primary`; files are looked for there first, then in `older`, the store an earlier version wrote
 * to. Made for the move of PostgreSQL deployments with MEDIA_DIR unset from `./data/media` to the database: links
 * signed before the upgrade (valid 7 days) keep working, a retried delivery finds the copy it made on disk instead of
 * downloading again from amoCRM (whose link may be gone by then), an old instance's files are served during a rolling
 * deploy on one host, and the old files are still pruned rather than left on disk for ever.
 */
export function createLayeredMediaStore(primary: MediaStore, older: MediaStore): MediaStore {
  // Where find() would answer from, decided when the read starts: read() must return its stream at once.
  async function* bytesOf(id: string): AsyncGenerator<Buffer> {
    const source = (await primary.find(id)) !== undefined ? primary : older;
    for await (const chunk of source.read(id)) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
  }

  return {
    async find(id) {
      return (await primary.find(id)) ?? (await older.find(id));
    },
    save: (id, body, meta, maxBytes) => primary.save(id, body, meta, maxBytes),
    read: (id) => Readable.from(bytesOf(id), { objectMode: false }),
    async touch(id, atMs) {
      return (await primary.touch(id, atMs)) || (await older.touch(id, atMs));
    },
    async prune(beforeMs) {
      return (await primary.prune(beforeMs)) + (await older.prune(beforeMs));
    },
  };
}
