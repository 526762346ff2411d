import type { Kysely, Migration } from 'kysely';

/**
 * `media_usage`: one row per mirrored file (or a download in progress), so an account's live bytes are one indexed sum
 * that every instance sees, rather than a walk over MEDIA_DIR. See media-usage-repo.ts.
 */
export const mediaUsage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('media_usage')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      // 0 while the download runs (bytes is then what it may take), 1 once the file is on disk (its real size).
      .addColumn('settled', 'integer', (c) => c.notNull())
      .addColumn('saved_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('media_usage_account_index')
      .on('media_usage')
      .columns(['account_id', 'saved_at'])
      .execute();
    await db.schema.createIndex('media_usage_saved_at_index').on('media_usage').column('saved_at').execute();
  },
};
