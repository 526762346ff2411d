import type { Kysely, Migration } from 'kysely';

/**
 * `links.pending`: 1 from the moment a link row is written, before amojo's connect, until the connect has answered.
 * amojo may send hooks as soon as it has connected, so the row (with its scope) must exist first; see links-repo.ts.
 */
export const pendingLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('links')
      .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
