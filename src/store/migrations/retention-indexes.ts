import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Indexes for the retention pruner (retention-repo.ts): each of its batches walks one of these in order and stops
 * after a few hundred rows, so a batch costs what it deletes, not the size of the table.
 */
export const retentionIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('messages_updated_at_index').on('messages').columns(['updated_at', 'id']).execute();
    await db.schema
      .createIndex('conversations_updated_at_index')
      .on('conversations')
      .columns(['updated_at', 'id'])
      .execute();
    // "Does a conversation still name this participant?" for each participant the pruner looks at.
    await db.schema
      .createIndex('conversations_participant_index')
      .on('conversations')
      .column('participant_id')
      .execute();
    await db.schema
      .createIndex('participants_updated_at_index')
      .on('participants')
      .columns(['updated_at', 'id'])
      .execute();
    await db.schema
      .createIndex('outbox_dead_updated_index')
      .on('outbox')
      .columns(['updated_at', 'id'])
      .where(sql<boolean>`status = 'dead'`)
      .execute();
  },
};
