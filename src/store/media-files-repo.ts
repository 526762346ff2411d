import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

// Mirrored media kept in the database (tables `media_files` and `media_chunks`, migration 0013), for instances that
// share PostgreSQL and no disk. An upload writes its chunks as the download arrives, each in a statement of its own
// (a transaction held for a whole download would hold SQLite's write lock that long), and only then the file row
// that makes it findable. Raw SQL keeps the tables out of schema.ts: nothing but these functions reads them. Columns
// are aliased to one-word names, so the CamelCasePlugin has nothing to rename.

export interface MediaFileRow {
  id: string;
  /** The upload whose chunks hold the bytes. */
  uploadId: string;
  size: number;
  contentType: string;
  fileName: string | null;
  savedAt: number;
}

interface RawFileRow {
  id: string;
  upload: string;
  size: number | string;
  type: string;
  name: string | null;
  saved: number | string;
}

const toRow = (raw: RawFileRow): MediaFileRow => ({
  id: raw.id,
  uploadId: raw.upload,
  size: Number(raw.size),
  contentType: raw.type,
  fileName: raw.name,
  savedAt: Number(raw.saved),
});

/** Piece `seq` (from 0) of upload `uploadId`, begun at `startedAt`. */
export async function insertMediaChunk(
  db: Kysely<Database>,
  input: { uploadId: string; seq: number; bytes: Uint8Array; startedAt: number },
): Promise<void> {
  // better-sqlite3 binds a Buffer as a blob but refuses a bare Uint8Array; pg takes either as bytea.
  const bytes = Buffer.isBuffer(input.bytes)
    ? input.bytes
    : Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  await sql`insert into media_chunks (upload_id, seq, bytes, started_at)
    values (${input.uploadId}, ${input.seq}, ${bytes}, ${input.startedAt})`.execute(db);
}

/**
 * Makes a complete upload findable as file `row.id`. When another upload of the same id completed first (two attempts
 * mirroring one file at once), that one stays, since a reader may be streaming it, and this upload's chunks go: the
 * answer is the file as it is now findable.
 */
export async function completeMediaFile(db: Kysely<Database>, row: MediaFileRow): Promise<MediaFileRow> {
  const inserted = await sql<{ id: string }>`
    insert into media_files (id, upload_id, size, content_type, file_name, saved_at)
    values (${row.id}, ${row.uploadId}, ${row.size}, ${row.contentType}, ${row.fileName}, ${row.savedAt})
    on conflict (id) do nothing
    returning id`.execute(db);
  if (inserted.rows.length > 0) return row;
  await deleteMediaUpload(db, row.uploadId);
  const existing = await findMediaFile(db, row.id);
  // Pruned in the instant between the two statements: this upload's chunks are gone too, so nothing is findable.
  if (!existing) throw new Error(`media file ${row.id} vanished while being saved`);
  return existing;
}

/** The file `id`, or undefined when no upload of it completed (or it was pruned). */
export async function findMediaFile(db: Kysely<Database>, id: string): Promise<MediaFileRow | undefined> {
  const result = await sql<RawFileRow>`
    select id, upload_id as upload, size, content_type as type, file_name as name, saved_at as saved
    from media_files where id = ${id}`.execute(db);
  const raw = result.rows[0];
  return raw === undefined ? undefined : toRow(raw);
}

/** The bytes of piece `seq` of an upload, or undefined when there is none. */
export async function readMediaChunk(db: Kysely<Database>, uploadId: string, seq: number): Promise<Buffer | undefined> {
  const result = await sql<{ bytes: Buffer | Uint8Array }>`
    select bytes from media_chunks where upload_id = ${uploadId} and seq = ${seq}`.execute(db);
  const bytes = result.rows[0]?.bytes;
  if (bytes === undefined) return undefined;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

/** Deletes the chunks of an upload that will never complete (a failed or oversized download). */
export async function deleteMediaUpload(db: Kysely<Database>, uploadId: string): Promise<void> {
  await sql`delete from media_chunks where upload_id = ${uploadId}`.execute(db);
}

/**
 * Deletes the files saved before `before`, then every chunk begun before it that no file names: those files' bytes,
 * and the pieces of uploads a crash cut short. Files go first, so none is findable without its bytes. Returns how
 * many files went.
 */
export async function pruneMediaFiles(db: Kysely<Database>, before: number): Promise<number> {
  const files = await sql`delete from media_files where saved_at < ${before}`.execute(db);
  await sql`delete from media_chunks where started_at < ${before}
    and not exists (select 1 from media_files f where f.upload_id = media_chunks.upload_id)`.execute(db);
  return Number(files.numAffectedRows ?? 0n);
}

/**
 * Extends a file's life to `atMs` (a mirror hit signed a new link for it); false when no such file. Never backwards: an
 * instance whose clock lags must not shorten a life another instance just extended. The chunks need nothing: prune
 * deletes only chunks that no file names.
 */
export async function touchMediaFile(db: Kysely<Database>, id: string, atMs: number): Promise<boolean> {
  const result = await sql`update media_files
    set saved_at = case when saved_at < ${atMs} then ${atMs} else saved_at end
    where id = ${id}`.execute(db);
  return Number(result.numAffectedRows ?? 0n) > 0;
}
