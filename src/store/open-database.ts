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
  /**
   * SQLite only: the raw better-sqlite3 handle for statements run inside `trx`, a transaction of `db` (anything else
   * throws). A Kysely transaction holds the one connection until it ends, so raw statements run on the handle then
   * belong to it: committed or rolled back with it, never interleaved with another. For hot paths whose work is a
   * few fixed statements (the webhook's batch): prepared once and run synchronously, they skip the query builder and
   * a promise per statement.
   */
  sqliteIn?: (trx: Kysely<Database>) => BetterSqlite3.Database;
  /**
   * SQLite only: runs `work` on the raw handle in a transaction of its own (BEGIN IMMEDIATE, committed when it
   * returns, rolled back when it throws), synchronously, and answers `{ value }`; or answers undefined, having run
   * nothing, while a transaction of `db` is open. better-sqlite3 runs every statement to its end before returning,
   * so the one state of the connection that lasts across an `await` is an open transaction (a Kysely one awaiting
   * between its statements): with none open, nothing can run between this BEGIN and its COMMIT. (The SQLite
   * migration also holds the connection across awaits, with foreign keys off; nothing calls this before it ends.) It
   * saves the hot path (the webhook's batch) the Kysely transaction's connection lock and a promise per step.
   */
  sqliteNow?: <T>(work: (sqlite: BetterSqlite3.Database) => T) => { value: T } | undefined;
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
  if (target.kind === 'sqlite') {
    const sqlite = openSqlite(target.path, target.synchronous, options);
    const dialect = new ImmediateSqliteDialect({ database: cacheStatements(sqlite) });
    const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
    const inOwnTransaction = sqlite.transaction((work: (handle: BetterSqlite3.Database) => unknown) => work(sqlite));
    return {
      db,
      dialect: 'sqlite',
      schema: null,
      sqliteIn: (trx) => {
        if (!trx.isTransaction) throw new Error('the raw SQLite handle is only for statements inside a transaction');
        return sqlite;
      },
      sqliteNow: (work) => {
        if (sqlite.inTransaction) return undefined;
        return { value: inOwnTransaction.immediate(work) as ReturnType<typeof work> };
      },
      close: () => db.destroy(),
    };
  }
  const db = new Kysely<Database>({
    dialect: createPostgresDialect(target, options),
    plugins: [new CamelCasePlugin()],
  });
  return { db, dialect: 'postgres', schema: target.schema, close: () => db.destroy() };
}

function createPostgresDialect(target: Extract<DatabaseTarget, { kind: 'postgres' }>, options: OpenDatabaseOptions) {
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
