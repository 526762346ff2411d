import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, type SqliteDatabase } from 'kysely';
import { Pool, types } from 'pg';
import type { DialectName } from './dialect-of';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect';
import { type DatabaseTarget, parseDatabaseUrl } from './parse-database-url';
import type { Database } from './schema';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** PostgreSQL schema chosen with `?schema=`; null means the server's default search_path (and for SQLite). */
  schema: string | null;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** How long a SQLite writer waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** Opens the database named by a `DATABASE_URL` (see parseDatabaseUrl). Run migrateToLatest before use. */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const target = parseDatabaseUrl(url);
  const db = new Kysely<Database>({ dialect: createDialect(target, options), plugins: [new CamelCasePlugin()] });
  return {
    db,
    dialect: target.kind,
    schema: target.kind === 'postgres' ? target.schema : null,
    close: () => db.destroy(),
  };
}

function createDialect(target: DatabaseTarget, options: OpenDatabaseOptions) {
  if (target.kind === 'sqlite') {
    return new ImmediateSqliteDialect({
      database: cacheStatements(openSqlite(target.path, target.synchronous, options)),
    });
  }
  const pool = new Pool({
    connectionString: target.connectionString,
    max: options.poolSize ?? 10,
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? parseInt8 : types.getTypeParser(oid, format)) },
  });
  // An idle client losing its server emits 'error' on the pool, which would crash the process if unheard;
  // the next query on a fresh client reports the outage where it can be handled.
  pool.on('error', () => {});
  return new PostgresDialect({ pool });
}

function openSqlite(path: string, synchronous: string, options: OpenDatabaseOptions) {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5000 });
  // WAL lets readers run beside the single writer. synchronous=FULL fsyncs the WAL on every commit, so a
  // committed row survives power loss, not only a process crash: the promise behind every 2xx we send.
  // NORMAL (opt-in with ?synchronous=normal) skips that fsync and may lose the last commits on power loss.
  // Group commit (group-commit.ts) spreads one fsync over many rows, which is what makes FULL affordable.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

// Kysely prepares every query afresh; on the ingress path that parse is a noticeable share of the CPU. The store
// issues a small, fixed set of query shapes, so a bounded cache catches nearly all of them.
function cacheStatements(sqlite: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text); // re-inserted below as the most recently used
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value ?? '');
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

// bigint columns hold millisecond times and job ids; pg returns them as strings unless told otherwise.
const INT8_OID = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is outside the safe integer range`);
  return n;
}
