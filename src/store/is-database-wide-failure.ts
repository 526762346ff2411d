/**
 * A failure of the database itself rather than of a row: every transaction would meet it just now (SQLite's write
 * lock held by another process past the busy timeout, a full or failing disk, a read-only or unreadable file). A
 * batch that failed so is refused as a whole instead of being written again a row at a time: on SQLite each row's
 * retry would wait out the busy timeout once more, with the event loop blocked, for up to 256 rows.
 */
export function isDatabaseWideFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && DATABASE_WIDE.test(code);
}

// Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_FSYNC, ...) share their primary code's prefix.
const DATABASE_WIDE = /^SQLITE_(BUSY|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB)/;
