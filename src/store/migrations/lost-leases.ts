import type { Kysely, Migration } from 'kysely';

/**
 * `outbox.lost_leases`: how many times a job was claimed again because its lease ran out, i.e. its worker died or
 * stalled holding it (issue 14, "Recovery in seconds"). The claim counts these apart from `attempts` (still the
 * fencing token), so the retry budget is `attempts - lost_leases` and a dead worker does not spend a job's
 * attempts. A constant default: PostgreSQL and SQLite both add the column without rewriting the table, and rows
 * written before it start at 0.
 */
export const lostLeases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('outbox')
      .addColumn('lost_leases', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
