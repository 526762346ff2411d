import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';
import { runChild } from '../helpers/run-child';
import { describeEachDatabase } from '../helpers/test-databases';

describeEachDatabase('migrateToLatest', (t) => {
  it('is a no-op when the schema is current, and keeps the data', async () => {
    await t.db.insertInto('tokenIds').values({ jti: 'kept', expiresAt: 1 }).execute();
    const applied = await migrateToLatest(t.db, { schema: await currentSchema() });
    expect(applied).toEqual([]);
    const rows = await t.db.selectFrom('tokenIds').select('jti').execute();
    expect(rows).toEqual([{ jti: 'kept' }]);
  });

  it('creates every table the store uses, in the schema the URL chose', async () => {
    const found = await t.db.introspection.getTables();
    if (t.dialect === 'postgres') expect(found.map((table) => table.schema)).toContain(await currentSchema());
    expect(found.map((table) => table.schema)).not.toContain('public');
    const tables = found.map((table) => table.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'accounts',
        'links',
        'conversations',
        'participants',
        'messages',
        'inbox',
        'outbox',
        'token_ids',
        'media_usage',
        'media_files',
        'media_chunks',
      ]),
    );
  });

  it('stores millisecond times beyond 32 bits and reads them back as numbers', async () => {
    const far = 4_102_444_800_123; // 2100-01-01, well past 2^31
    await t.db.insertInto('tokenIds').values({ jti: 'far', expiresAt: far }).execute();
    const row = await t.db.selectFrom('tokenIds').selectAll().where('jti', '=', 'far').executeTakeFirstOrThrow();
    expect(row.expiresAt).toBe(far);
  });

  // In-memory SQLite cannot be shared between processes.
  it.skipIf(!t.freshUrl)(
    'migrates a fresh database from two processes at once, applying it once',
    async () => {
      const url = t.freshUrl?.() ?? '';
      // Separate processes, as in production: two SQLite connections in one thread would block each other.
      const children = await Promise.all([runChild('migrate-child.ts', [url]), runChild('migrate-child.ts', [url])]);
      for (const child of children) expect(child.stderr).toBe('');
      const applied = children.flatMap((child) => JSON.parse(child.stdout) as string[]);
      expect(applied).toEqual([
        '0001_initial_schema',
        '0002_lower_case_amojo_ids',
        '0003_pending_links',
        '0004_retention_indexes',
        '0005_fair_claim_indexes',
        '0006_rate_limits',
        '0007_media_usage',
        '0008_installations',
        '0009_delivery_breaker',
        '0010_sources',
        '0011_growth_indexes',
        '0012_lost_leases',
        '0013_media_files',
        '0014_key_heads',
        '0015_drop_undone_kind_index',
      ]);
      const check = openDatabase(url);
      try {
        expect(await migrateToLatest(check.db, { schema: check.schema })).toEqual([]);
        await check.db.insertInto('tokenIds').values({ jti: 'after', expiresAt: 1 }).execute();
      } finally {
        await check.close();
      }
    },
    30_000,
  );

  // The processes above may well start one after the other (tsx takes a while to boot); these start in the same
  // tick. Separate pools are separate sessions to PostgreSQL, as several instances are; SQLite is left out, since two
  // connections in one thread block each other (the cross-process test covers it).
  it('lets four migrators that start at the same moment apply every migration exactly once (PostgreSQL)', async (context) => {
    // The dialect is known once the suite's database is open, not when the test is declared.
    if (t.dialect !== 'postgres') context.skip();
    const url = t.freshUrl?.() ?? '';
    const instances = [openDatabase(url), openDatabase(url), openDatabase(url), openDatabase(url)];
    try {
      const runs = await Promise.all(instances.map((o) => migrateToLatest(o.db, { schema: o.schema })));
      const applied = runs.flat();
      expect(applied).toEqual([...new Set(applied)]);
      expect(runs.filter((run) => run.length > 0)).toHaveLength(1);
      expect(applied.at(-1)).toBe('0015_drop_undone_kind_index');
      const first = instances[0];
      if (!first) throw new Error('no database');
      await first.db.insertInto('tokenIds').values({ jti: 'after-race', expiresAt: 1 }).execute();
      expect(await migrateToLatest(first.db, { schema: first.schema })).toEqual([]);
    } finally {
      for (const opened of instances) await opened.close();
    }
  }, 30_000);

  it('leaves no half-applied schema behind when a migration fails', async () => {
    const broken = openDatabase(t.freshUrl?.() ?? 'sqlite::memory:');
    try {
      if (broken.schema) await sql`create schema ${sql.id(broken.schema)}`.execute(broken.db);
      // A table the first migration also creates makes it fail half-way through.
      await broken.db.schema.createTable('token_ids').addColumn('x', 'text').execute();
      await expect(migrateToLatest(broken.db, { schema: broken.schema })).rejects.toThrow(/0001_initial_schema failed/);
      // Kysely's own bookkeeping tables may stay (empty); none of ours may.
      const tables = await broken.db.introspection.getTables();
      const mine = tables.filter((table) => broken.schema === null || table.schema === broken.schema);
      expect(mine.map((table) => table.name)).toEqual(['token_ids']);
    } finally {
      await broken.close();
    }
  });

  async function currentSchema() {
    if (t.dialect !== 'postgres') return null;
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(t.db);
    return rows[0]?.s ?? null;
  }
});
