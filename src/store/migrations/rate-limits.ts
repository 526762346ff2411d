import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../dialect-of';

/**
 * `rate_limits`: one row per limited key (a bridge link, an account's link API calls), holding the current fixed
 * window and its hit count, so every instance on the database shares one allowance. See rate-limits-repo.ts.
 * PostgreSQL gets an unlogged table: a hit then writes no WAL and waits for no flush, and a crash, which empties
 * such a table, only hands every key a fresh window.
 */
export const rateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .$call((t) => (dialectOf(db) === 'postgres' ? t.modifyFront(sql`unlogged`) : t))
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
  },
};
