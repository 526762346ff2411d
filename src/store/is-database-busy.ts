import { databaseErrorCode } from './database-error-code';

/**
 * SQLite's write lock was held by another connection (a replay run beside the backend, say) for longer than the busy
 * timeout: the one database failure that clears by itself, so the only one a caller is asked to retry after a pause.
 */
export function isDatabaseBusy(error: unknown): boolean {
  return /^SQLITE_BUSY(_|$)/.test(databaseErrorCode(error) ?? '');
}
