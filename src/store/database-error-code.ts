/** The driver's code on a database error (SQLite's `SQLITE_BUSY`, PostgreSQL's SQLSTATE), or undefined. */
export function databaseErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
