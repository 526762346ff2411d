import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../dialect-of';

/**
 * Mirrored media kept in the database, so every instance sharing it serves every file (media-files-repo.ts).
 * `media_chunks` holds the bytes of one upload in 256 KiB pieces, written as the download arrives; `media_files`
 * names the upload that holds a complete file and is written last, so a half-written file is never findable.
 * Chunks belong to an upload rather than to the file id: two attempts mirroring the same file at once (a job whose
 * lease ran out still running beside its successor) then never write into each other's pieces.
 */
export const mediaFiles: Migration = {
  async up(db: Kysely<unknown>) {
    const binary = dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`;
    await db.schema
      .createTable('media_files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('upload_id', 'text', (c) => c.notNull().unique())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('saved_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('media_files_saved_at_index').on('media_files').column('saved_at').execute();
    await db.schema
      .createTable('media_chunks')
      .addColumn('upload_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('bytes', binary, (c) => c.notNull())
      // When the upload began: chunks of an upload that never completed (a crash) are pruned by it.
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('media_chunks_pkey', ['upload_id', 'seq'])
      .execute();
    await db.schema.createIndex('media_chunks_started_at_index').on('media_chunks').column('started_at').execute();
  },
};
