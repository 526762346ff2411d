import type { Kysely, Migration } from 'kysely';

/**
 * `delivery_breakers`: one row per link whose messenger webhook has failed lately (issue 13 §3), so every instance
 * on the database sees one circuit breaker per link: the streak of consecutive outage failures, when it began, how
 * long deliveries wait, and whether a probe is in flight. The row names the webhook URL it was counted against: a
 * link saved with another URL starts from a closed breaker. A success deletes the row, so the table holds only
 * links that are failing, and nothing needs pruning. See delivery-breaker-repo.ts.
 */
export const deliveryBreaker: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('delivery_breakers')
      .addColumn('link_id', 'text', (c) => c.primaryKey().references('links.id').onDelete('cascade'))
      .addColumn('webhook_url', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('failing_since', 'bigint', (c) => c.notNull())
      // Null while closed; once set, deliveries wait until then, and the first one after it probes.
      .addColumn('open_until', 'bigint')
      .addColumn('openings', 'integer', (c) => c.notNull())
      .addColumn('probe_until', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
