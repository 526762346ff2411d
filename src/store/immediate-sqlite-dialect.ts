import { CompiledQuery, type DatabaseConnection, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

/**
 * Kysely's SQLite dialect, except that transactions start with BEGIN IMMEDIATE. A deferred BEGIN that reads
 * first and writes later fails with SQLITE_BUSY (no waiting) when another connection, say a second process on
 * the same file, wrote in between; taking the write lock up front lets busy_timeout queue writers instead.
 * And a transaction SQLite already rolled back by itself is not rolled back again (see rollbackTransaction).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * On a full disk or an I/O error SQLite ends the transaction itself, and Kysely's ROLLBACK then fails with
   * "no transaction is active": an error that would take the place of the one that matters (SQLITE_FULL), which the
   * caller needs to see (isDatabaseWideFailure) and the log should show.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      if (!(error instanceof Error && NO_TRANSACTION.test(error.message))) throw error;
    }
  }
}

const NO_TRANSACTION = /^cannot rollback - no transaction is active/;
