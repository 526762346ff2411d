import { databaseErrorCode } from './database-error-code';

/**
 * True for a PostgreSQL error that condemns the whole transaction rather than the statement that met it: a deadlock
 * (40P01) or a serialization failure (40001), any of SQLSTATE class 40. Which statement meets it is chance (two
 * instances writing the same rows in another order), so the row that did must not take the blame.
 */
export function isTransactionConflict(error: unknown): boolean {
  return databaseErrorCode(error)?.startsWith('40') ?? false;
}
