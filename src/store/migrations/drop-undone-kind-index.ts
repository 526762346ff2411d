import type { Kysely, Migration } from 'kysely';

/**
 * Drops the index of jobs not done by kind (0011). Its one reader, the pruner's walk of every unfinished delivery,
 * became a probe of the unique idempotency-key index per page of old hooks (find-hooks-still-needed.ts), so the index
 * only cost upkeep: an entry written on every enqueue and removed on every completion.
 */
export const dropUndoneKindIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('outbox_undone_kind_index').ifExists().execute();
  },
};
