import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import { Client, Pool, types } from 'pg';
import { ImmediateSqliteDialect } from '../../src/store/immediate-sqlite-dialect';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { parseDatabaseUrl } from '../../src/store/parse-database-url';
import type { Database } from '../../src/store/schema';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
  /** How long it ran (the first run of a statement repeated within one operation). */
  ms: number;
}

export interface GrowthDatabase {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** Statements run while `recording` is true, for their plans. */
  recorded: Statement[];
  recording: boolean;
  close(): Promise<void>;
}

/**
 * A fresh, migrated store for one size: a temp SQLite file (WAL, synchronous=FULL, as production opens it) or a new
 * schema in the PostgreSQL at `pgUrl`. Built here rather than by openDatabase so that Kysely's log hook can record the
 * statements each operation runs, which the bench then explains.
 */
export async function openGrowthDatabase(kind: 'sqlite' | 'postgres', pgUrl?: string): Promise<GrowthDatabase> {
  const handle = { recorded: [] as Statement[], recording: false };
  const log = (event: {
    level: string;
    query: { sql: string; parameters: readonly unknown[] };
    queryDurationMillis: number;
  }) => {
    if (handle.recording && event.level === 'query') {
      handle.recorded.push({ sql: event.query.sql, parameters: event.query.parameters, ms: event.queryDurationMillis });
    }
  };
  const plugins = [new CamelCasePlugin()];
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
    const sqlite = new BetterSqlite3(join(dir, 'growth.db'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }), plugins, log });
    await migrateToLatest(db);
    return Object.assign(handle, {
      db,
      dialect: kind,
      close: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  if (!pgUrl) throw new Error('no PostgreSQL URL');
  const schema = `bench_growth_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const target = parseDatabaseUrl(`${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`);
  if (target.kind !== 'postgres') throw new Error('not a PostgreSQL URL');
  const pool = new Pool({
    connectionString: target.connectionString,
    max: 2,
    types: { getTypeParser: (oid, format) => (oid === 20 ? Number : types.getTypeParser(oid, format)) },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins, log });
  await migrateToLatest(db, { schema });
  return Object.assign(handle, {
    db,
    dialect: kind,
    close: async () => {
      await db.destroy();
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  });
}
