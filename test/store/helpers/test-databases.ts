import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../src/store/open-database';
import type { Database } from '../../../src/store/schema';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://channel:channel@127.0.0.1:5432/channel_test';
const pgUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

export interface TestDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** The raw SQLite handle for statements inside a transaction of `db` (OpenedDatabase.sqliteIn); SQLite only. */
  readonly sqliteIn: OpenedDatabase['sqliteIn'];
  /** A raw SQLite transaction of its own while none of `db` is open (OpenedDatabase.sqliteNow); SQLite only. */
  readonly sqliteNow: OpenedDatabase['sqliteNow'];
  /** Opens another connection (pool) to the same database; absent for in-memory SQLite. */
  readonly openAnother: (() => Promise<OpenedDatabase>) | undefined;
  /** URL of a new, empty database of the same kind (cleaned up after the suite); absent for in-memory SQLite. */
  readonly freshUrl: (() => string) | undefined;
}

interface Target {
  name: string;
  /** Whether a second connection sees the same data (false for in-memory SQLite). */
  shared: boolean;
  /** A new, empty database: the URL to open and a cleanup to run once it is closed. */
  prepare(): { url: string; cleanup(): Promise<void> };
}

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

async function probePostgres(): Promise<string | undefined> {
  const client = new Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await probePostgres();

const targets: Target[] = [
  {
    name: 'SQLite file',
    shared: true,
    prepare() {
      const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
      return {
        url: `sqlite:${join(dir, 'channel.db')}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'SQLite :memory:',
    shared: false,
    prepare: () => ({ url: 'sqlite::memory:', cleanup: async () => {} }),
  },
  {
    name: 'PostgreSQL',
    shared: true,
    prepare() {
      // A schema per suite keeps parallel test files (and parallel CI runs on one server) apart.
      const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
      const cleanup = async () => {
        const client = new Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      };
      return { url, cleanup };
    },
  },
];

/**
 * Declares `body` once per database: a SQLite file, in-memory SQLite and PostgreSQL. Every test starts from
 * empty tables. Without a reachable PostgreSQL the PostgreSQL suite is skipped with the reason printed, except
 * under CI=true, where that is a failure.
 */
export function describeEachDatabase(title: string, body: (t: TestDatabase) => void): void {
  for (const target of targets) {
    if (target.name === 'PostgreSQL' && pgProblem !== undefined) {
      declareUnreachablePostgres(title);
      continue;
    }
    describe(`${title} [${target.name}]`, () => {
      let main: OpenedDatabase | undefined;
      const opened: OpenedDatabase[] = [];
      const cleanups: (() => Promise<void>)[] = [];
      let mainUrl = '';
      const fresh = () => {
        const prepared = target.prepare();
        cleanups.push(prepared.cleanup);
        return prepared.url;
      };
      const t: TestDatabase = {
        get db() {
          if (!main) throw new Error('database not open yet');
          return main.db;
        },
        get dialect() {
          return main?.dialect ?? 'sqlite';
        },
        get sqliteIn() {
          return main?.sqliteIn;
        },
        get sqliteNow() {
          return main?.sqliteNow;
        },
        openAnother: target.shared
          ? async () => {
              const other = openDatabase(mainUrl);
              opened.push(other);
              return other;
            }
          : undefined,
        freshUrl: target.shared ? fresh : undefined,
      };
      beforeAll(async () => {
        mainUrl = fresh();
        main = openDatabase(mainUrl);
        opened.push(main);
        await migrateToLatest(main.db, { schema: main.schema });
      });
      afterAll(async () => {
        for (const db of opened) await db.close();
        for (const cleanup of cleanups) await cleanup();
      });
      beforeEach(async () => {
        await clearTables(t.db);
      });
      body(t);
    });
  }
}

function declareUnreachablePostgres(title: string) {
  const reason = `PostgreSQL at ${redact(pgUrl)} is unreachable (${pgProblem}); set TEST_DATABASE_URL or run .ci/postgres.sh`;
  if (process.env.CI === 'true') {
    describe(`${title} [PostgreSQL]`, () => {
      it('needs a reachable PostgreSQL under CI=true', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipping "${title}" on PostgreSQL: ${reason}`);
  describe.skip(`${title} [PostgreSQL] (skipped: ${reason})`, () => {
    it('runs against PostgreSQL', () => {});
  });
}

// Children before parents, so foreign keys never object.
const TABLES = [
  'messages',
  'conversations',
  'participants',
  'inbox',
  'outbox',
  'delivery_breakers',
  'links',
  'accounts',
  'token_ids',
  'rate_limits',
  'media_usage',
  'media_chunks',
  'media_files',
  'installations',
  'leases',
];

export async function clearTables(db: Kysely<Database>): Promise<void> {
  for (const table of TABLES) await sql`delete from ${sql.table(table)}`.execute(db);
}
