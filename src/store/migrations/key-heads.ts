import { type Kysely, type Migration, sql } from 'kysely';

/**
 * An explicit head of every conversation (issue 15, item 7): `outbox.is_head` is 1 on the oldest live job (pending or
 * leased, lowest id) of each ordering key and 0 everywhere else, kept so by recomputeHeads in every transaction that
 * changes which jobs of a key are live. The claim then finds the heads that are due by one range scan of a partial
 * index, instead of a skip-scan of every key with live jobs: during an outage, when every head waits for its retry,
 * that scan finds nothing at once however long the backlog. An integer rather than a boolean so both dialects read
 * it as the same number. Both indexes are partial on `is_head = 1`, so only heads (one per key) are indexed; the
 * status list is spelled as the claim spells it, so SQLite's planner matches it.
 * - Heads by due time: the claim's range scan.
 * - Live jobs without a key by due time: the claim's other range scan in the same pass, which otherwise walks the
 *   oldest due jobs of every key to find the keyless ones among them.
 * - Heads by ordering key: recomputeHeads finds a key's current head without walking its backlog.
 */
export const keyHeads: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('outbox')
      .addColumn('is_head', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await sql`
      update outbox set is_head = 1 where id in (
        select min(id) from outbox
          where status in ('pending', 'leased') and ordering_key is not null group by ordering_key
      )`.execute(db);
    await db.schema
      .createIndex('outbox_head_due_index')
      .on('outbox')
      .columns(['available_at', 'id'])
      .where(sql<boolean>`is_head = 1 and status in ('pending', 'leased')`)
      .execute();
    await db.schema
      .createIndex('outbox_keyless_due_index')
      .on('outbox')
      .columns(['available_at', 'id'])
      .where(sql<boolean>`ordering_key is null and status in ('pending', 'leased')`)
      .execute();
    await db.schema
      .createIndex('outbox_head_key_index')
      .on('outbox')
      .columns(['ordering_key'])
      .where(sql<boolean>`is_head = 1`)
      .execute();
  },
};
