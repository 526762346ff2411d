import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from '../dialect-of';

/**
 * Issue 11, amoCRM installations as the source of truth:
 * - `installations`: one row per amoCRM account that installed the integration: the amojo id amoCRM told us, the
 *   sealed token pair, and `token_version`, which every stored pair bumps and every refresh compares (fencing).
 * - `leases`: named, expiring locks with a counter, so exactly one process refreshes an account's single-use
 *   refresh token (leases-repo.ts).
 * - `links.parked_at`: set while the account's installation is removed; its jobs then wait as `parked`.
 * - `outbox.status` may now be `parked`. The claim reads only `pending` and `leased`, so a parked job is never
 *   claimed, and neither the claim nor its partial indexes change.
 */
export const installations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('installations')
      .addColumn('account_id', 'bigint', (c) => c.primaryKey())
      .addColumn('subdomain', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('amojo_id', 'text', (c) => c.notNull())
      .addColumn('installed_by', 'bigint')
      .addColumn('installed_at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('active', 'needs_reauthorization', 'removed')`),
      )
      // Tokens vary in length (crm-rest §1.1), hence text; sealed with DATA_ENCRYPTION_KEY, null once removed.
      .addColumn('access_token_enc', 'text')
      .addColumn('refresh_token_enc', 'text')
      .addColumn('access_expires_at', 'bigint')
      .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('amojo_checked_at', 'bigint', (c) => c.notNull())
      .addColumn('removed_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // The refresh sweep's walk: active installations by access expiry, oldest first.
    await db.schema
      .createIndex('installations_refresh_index')
      .on('installations')
      .columns(['access_expires_at', 'account_id'])
      .where(sql<boolean>`state = 'active'`)
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('links').addColumn('parked_at', 'bigint').execute();

    await allowParkedJobs(db);
    // Unparking finds a link's parked jobs without walking its done history.
    await db.schema
      .createIndex('outbox_parked_index')
      .on('outbox')
      .columns(['link_id', 'id'])
      .where(sql<boolean>`status = 'parked'`)
      .execute();
  },
};

const STATUS_CHECK = sql`check (status in ('pending', 'leased', 'done', 'dead', 'parked'))`;

/** Widens the CHECK on `outbox.status` that 0001 wrote inline, keeping every row, id and index. */
async function allowParkedJobs(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    // 0001 let PostgreSQL name the constraint; look it up rather than trust the default name.
    const { rows } = await sql<{ name: string }>`
      select conname as name from pg_constraint
      where conrelid = 'outbox'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%status%'`.execute(db);
    for (const row of rows) await sql`alter table outbox drop constraint ${sql.id(row.name)}`.execute(db);
    // NOT VALID skips the scan of a large outbox under the migration's lock: every row already met the narrower
    // check just dropped, and new rows are checked as before.
    await sql`alter table outbox add constraint outbox_status_check ${STATUS_CHECK} not valid`.execute(db);
    return;
  }
  await rebuildSqliteOutbox(db);
}

/**
 * SQLite cannot alter a CHECK, so the table is rebuilt the way SQLite's documentation describes (new table, copy,
 * drop, rename, indexes again). Built from the stored definitions rather than spelled out here, so whatever earlier
 * migrations made (columns, indexes) comes across as it was. Nothing references `outbox`, so foreign keys stay on;
 * the AUTOINCREMENT high-water mark is carried over, so an id is never handed out twice.
 */
async function rebuildSqliteOutbox(db: Kysely<unknown>): Promise<void> {
  const { rows: tables } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'outbox'`.execute(db);
  const definition = tables[0]?.sql;
  const oldCheck = /check\s*\(\s*status in \('pending', 'leased', 'done', 'dead'\)\s*\)/i;
  if (definition === undefined || !oldCheck.test(definition)) {
    throw new Error('outbox table definition is not the one migration 0001 created');
  }
  const { rows: indexes } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null`.execute(db);
  const { rows: sequence } = await sql<{ seq: number }>`
    select seq from sqlite_sequence where name = 'outbox'`.execute(db);

  const created = definition
    .replace(oldCheck, "check (status in ('pending', 'leased', 'done', 'dead', 'parked'))")
    .replace(/^create table\s+"?outbox"?/i, 'create table "outbox_rebuilt"');
  await sql.raw(created).execute(db);
  await sql`insert into outbox_rebuilt select * from outbox`.execute(db);
  await sql`drop table outbox`.execute(db);
  await sql`alter table outbox_rebuilt rename to outbox`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
  const seq = sequence[0]?.seq;
  if (seq !== undefined) {
    await sql`delete from sqlite_sequence where name = 'outbox'`.execute(db);
    await sql`insert into sqlite_sequence (name, seq) values ('outbox', ${seq})`.execute(db);
  }
}
