import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../dialect-of';

/**
 * Issue 12, several links per account, each with its own amoCRM source:
 * - `links` loses UNIQUE(account_id) and UNIQUE(scope_id): an account runs up to 100 links, and all its live links
 *   share the account's one amojo scope. UNIQUE(bridge_key_hash) stays (the key names one link). Plain indexes take
 *   the place of the two unique ones, since links are still looked up by account and by scope.
 * - `links.pipeline_id` (null: amoCRM's main pipeline), `source_id` (amoCRM's id once created), `source_state`
 *   ('pending' until the source is created or updated at amoCRM) and `source_error` (why amoCRM refused it).
 *   Existing links start 'pending', so the backend's startup sweep creates their sources; their id, key, secret and
 *   webhook URL stay, so the messenger notices nothing.
 * - `conversations.contact_hint` (the bridge's hint, JSON), `contact_id` and `contact_state`: the amoCRM contact the
 *   chat is bound to, and how far that binding got.
 */
export const sources: Migration = {
  async up(db: Kysely<unknown>) {
    if (dialectOf(db) === 'postgres') await alterPostgresLinks(db);
    else await rebuildSqliteLinks(db);
    await db.schema.createIndex('links_account_index').on('links').columns(['account_id', 'created_at']).execute();
    await db.schema.createIndex('links_scope_index').on('links').column('scope_id').execute();

    await db.schema.alterTable('conversations').addColumn('contact_hint', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('contact_id', 'bigint').execute();
    await db.schema
      .alterTable('conversations')
      .addColumn('contact_state', 'text', (c) =>
        c.check(sql`contact_state in ('pending', 'bound', 'not_found', 'ambiguous', 'failed', 'crm')`),
      )
      .execute();
  },
};

const SOURCE_STATE_CHECK = sql`source_state in ('pending', 'synced', 'failed')`;

async function alterPostgresLinks(db: Kysely<unknown>): Promise<void> {
  // 0001 let PostgreSQL name the two constraints; look them up by the one column each covers rather than trust the
  // default names.
  const { rows } = await sql<{ name: string }>`
    select c.conname as name from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.conrelid = 'links'::regclass and c.contype = 'u' and cardinality(c.conkey) = 1
      and a.attname in ('account_id', 'scope_id')`.execute(db);
  if (rows.length !== 2) throw new Error(`expected the two unique constraints of links, found ${rows.length}`);
  for (const row of rows) await sql`alter table links drop constraint ${sql.id(row.name)}`.execute(db);
  await db.schema.alterTable('links').addColumn('pipeline_id', 'bigint').execute();
  await db.schema.alterTable('links').addColumn('source_id', 'bigint').execute();
  await db.schema
    .alterTable('links')
    .addColumn('source_state', 'text', (c) => c.notNull().defaultTo('pending').check(SOURCE_STATE_CHECK))
    .execute();
  await db.schema.alterTable('links').addColumn('source_error', 'text').execute();
}

/** Every column `links` had after 0009, in order; the rebuild copies exactly these. */
const CARRIED_COLUMNS = [
  'id',
  'account_id',
  'scope_id',
  'title',
  'time_window_disabled',
  'webhook_url',
  'bridge_key_hash',
  'signing_secret_enc',
  'linked_at',
  'unlinked_at',
  'created_at',
  'updated_at',
  'pending',
  'parked_at',
];

/**
 * SQLite cannot drop a constraint, so `links` is rebuilt the way SQLite's documentation describes (new table, copy,
 * drop, rename, indexes again). Six tables reference `links`, so migrateSqlite runs this with foreign keys off (the
 * drop would otherwise cascade into delivery_breakers and fail on the rest) and runs `foreign_key_check` before it
 * commits. The children's references name `links`, which is the rebuilt table once renamed. Spelt out rather than
 * edited from the stored definition: the two constraints to drop are inline ones that no text edit finds safely.
 */
async function rebuildSqliteLinks(db: Kysely<unknown>): Promise<void> {
  const { rows: columns } = await sql<{ name: string }>`select name from pragma_table_info('links')`.execute(db);
  const found = columns.map((c) => c.name);
  if (found.join(',') !== CARRIED_COLUMNS.join(',')) {
    throw new Error(`links has columns ${found.join(', ')}, not the ones migrations 0001-0009 created`);
  }
  // Indexes earlier migrations made on links (none so far: its unique constraints are automatic indexes, whose sql
  // is null); carried over so none is lost if one ever was.
  const { rows: indexes } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'links' and sql is not null`.execute(db);

  await db.schema
    .createTable('links_rebuilt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.account_id'))
    .addColumn('scope_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('time_window_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('webhook_url', 'text')
    .addColumn('bridge_key_hash', 'text', (c) => c.unique())
    .addColumn('signing_secret_enc', 'text')
    .addColumn('linked_at', 'bigint')
    .addColumn('unlinked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parked_at', 'bigint')
    .addColumn('pipeline_id', 'bigint')
    .addColumn('source_id', 'bigint')
    .addColumn('source_state', 'text', (c) => c.notNull().defaultTo('pending').check(SOURCE_STATE_CHECK))
    .addColumn('source_error', 'text')
    .execute();
  const list = sql.join(CARRIED_COLUMNS.map((c) => sql.id(c)));
  await sql`insert into links_rebuilt (${list}) select ${list} from links`.execute(db);
  await sql`drop table links`.execute(db);
  await sql`alter table links_rebuilt rename to links`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
}
