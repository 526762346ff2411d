import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Indexes that keep the periodic scans to the rows they are about rather than the whole table (issue 15, item 7):
 * done jobs are nearly all of the outbox and hooks are kept for a month, so a scan that passes over them grows with
 * the stored data. Partial on `status <> 'done'`, spelled as the queries spell it, so SQLite's planner matches them.
 * - Jobs not done, by id, with their status and ordering key: the queue gauge counts them per status (covering), and
 *   the pruner collects the ordering keys they hold (outbox-repo.ts countJobs, retention-repo.ts
 *   findHeldOrderingKeys).
 * - Jobs not done by kind: the pruner's "hooks still needed" walk of bridge.deliver jobs (dropped again by 0015, when
 *   the pruner came to probe per page of old hooks instead).
 * - Hooks by (received_at, dedupe_key): the inbox pruner's keyset pages (pruneInboxExcept). It replaces the index on
 *   received_at alone, its prefix, so ingress maintains no more indexes than before.
 */
export const growthIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('outbox_undone_index')
      .on('outbox')
      .columns(['id', 'status', 'ordering_key'])
      .where(sql<boolean>`status <> 'done'`)
      .execute();
    await db.schema
      .createIndex('outbox_undone_kind_index')
      .on('outbox')
      .columns(['kind', 'id'])
      .where(sql<boolean>`status <> 'done'`)
      .execute();
    await db.schema
      .createIndex('inbox_received_key_index')
      .on('inbox')
      .columns(['received_at', 'dedupe_key'])
      .execute();
    await db.schema.dropIndex('inbox_received_at_index').execute();
  },
};
