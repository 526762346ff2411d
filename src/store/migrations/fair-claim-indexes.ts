import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Indexes for the fair claim (outbox-repo.ts claimDue). The claim walks each link's oldest due jobs, one index probe
 * per link and job, so a link behind a deep backlog of another link is still reached in one claim; and it counts
 * each link's jobs in flight from the leased rows alone, which are bounded by the workers' slots, not the backlog.
 * Partial on the same literal status lists the claim spells, so SQLite's planner can match them.
 */
export const fairClaimIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('outbox_link_due_index')
      .on('outbox')
      .columns(['link_id', 'available_at', 'id'])
      .where(sql<boolean>`status in ('pending', 'leased')`)
      .execute();
    await db.schema
      .createIndex('outbox_leased_index')
      .on('outbox')
      .columns(['link_id', 'available_at'])
      .where(sql<boolean>`status = 'leased'`)
      .execute();
  },
};
