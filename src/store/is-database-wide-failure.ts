import { databaseErrorCode } from './database-error-code';

/**
 * A failure of the database itself rather than of a row: every transaction would meet it just now (SQLite's write
 * lock held by another process past the busy timeout, a full or failing disk, a read-only or unreadable file). A
 * batch that failed so is refused as a whole instead of being written again a row at a time: on SQLite each row's
 * retry would wait out the busy timeout once more, with the event loop blocked, for up to 256 rows. PostgreSQL's
 * failures are left to the row-by-row retry: a connection the server dropped fails one transaction, and the pool's
 * next connection may well succeed.
 */
export function isDatabaseWideFailure(error: unknown): boolean {
  return SQLITE.test(databaseErrorCode(error) ?? '');
}

// Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_FSYNC, ...) share their primary code's prefix.
const SQLITE = /^SQLITE_(BUSY|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB)(_|$)/;
