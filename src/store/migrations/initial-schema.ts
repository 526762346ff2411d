import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../dialect-of';

// Migrations are frozen once released: change the schema with a new migration, never by editing this one.
// Types are limited to text, integer and bigint so one definition serves SQLite and PostgreSQL; times are
// bigint milliseconds and flags 0/1 integers. Unique constraints carry the idempotency rules.
export const initialSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('account_id', 'bigint', (c) => c.primaryKey())
      .addColumn('subdomain', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('amojo_id', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'bigint', (c) => c.notNull().unique().references('accounts.account_id'))
      .addColumn('scope_id', 'text', (c) => c.unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('time_window_disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('webhook_url', 'text')
      .addColumn('bridge_key_hash', 'text', (c) => c.unique())
      .addColumn('signing_secret_enc', 'text')
      .addColumn('linked_at', 'bigint')
      .addColumn('unlinked_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('participants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.notNull().references('links.id'))
      .addColumn('client_id', 'text')
      .addColumn('amojo_user_id', 'text')
      .addColumn('name', 'text')
      .addColumn('phone', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('participants_client_id_unique', ['link_id', 'client_id'])
      .addUniqueConstraint('participants_amojo_user_id_unique', ['link_id', 'amojo_user_id'])
      .execute();

    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.notNull().references('links.id'))
      .addColumn('conversation_id', 'text')
      .addColumn('amojo_chat_id', 'text')
      .addColumn('participant_id', 'text', (c) => c.references('participants.id'))
      .addColumn('phone', 'text')
      .addColumn('source_external_id', 'text')
      .addColumn('ref_pending', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_inbound_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('conversations_conversation_id_unique', ['link_id', 'conversation_id'])
      .addUniqueConstraint('conversations_amojo_chat_id_unique', ['link_id', 'amojo_chat_id'])
      .execute();
    await db.schema
      .createIndex('conversations_phone_index')
      .on('conversations')
      .columns(['link_id', 'phone'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.notNull().references('links.id'))
      .addColumn('conversation_row_id', 'text', (c) => c.notNull().references('conversations.id'))
      .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
      .addColumn('our_msgid', 'text')
      .addColumn('amojo_msg_id', 'text')
      .addColumn('status', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error_code', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('messages_our_msgid_unique', ['link_id', 'our_msgid'])
      .addUniqueConstraint('messages_amojo_msg_id_unique', ['link_id', 'amojo_msg_id'])
      .execute();
    await db.schema
      .createIndex('messages_conversation_index')
      .on('messages')
      .columns(['conversation_row_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('inbox')
      .addColumn('dedupe_key', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.references('links.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('inbox_received_at_index').on('inbox').column('received_at').execute();

    const postgres = dialectOf(db) === 'postgres';
    await db.schema
      .createTable('outbox')
      // An ever-growing id is the order of jobs that share an ordering key; this is the one dialect split.
      .addColumn('id', postgres ? 'bigserial' : 'integer', (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('link_id', 'text', (c) => c.references('links.id'))
      .addColumn('ordering_key', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'leased', 'done', 'dead')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('available_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    // Partial indexes keep the claim query's scans to live jobs however many done jobs are retained.
    await db.schema
      .createIndex('outbox_due_index')
      .on('outbox')
      .columns(['available_at', 'id'])
      .where(sql<boolean>`status in ('pending', 'leased')`)
      .execute();
    await db.schema
      .createIndex('outbox_ordering_index')
      .on('outbox')
      .columns(['ordering_key', 'id'])
      .where(sql<boolean>`status in ('pending', 'leased') and ordering_key is not null`)
      .execute();
    await db.schema
      .createIndex('outbox_dead_index')
      .on('outbox')
      .column('id')
      .where(sql<boolean>`status = 'dead'`)
      .execute();
    await db.schema
      .createIndex('outbox_completed_index')
      .on('outbox')
      .column('completed_at')
      .where(sql<boolean>`status = 'done'`)
      .execute();

    await db.schema
      .createTable('token_ids')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('token_ids_expires_at_index').on('token_ids').column('expires_at').execute();
  },
};
