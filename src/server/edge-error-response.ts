import { AppError } from '../http/app-error';
import { type ErrorResponse, errorResponse } from '../http/error-response';
import { isDatabaseBusy } from '../store/is-database-busy';

/** What a caller is asked to wait when the database was busy: SQLite's busy timeout, 5 s, once more. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * errorResponse at the HTTP edge, the one layer that knows the store: a database whose write lock another process
 * held past the busy timeout (isDatabaseBusy) is a 503 storage_unavailable with Retry-After, so a bridge client
 * backs off and sends the same request again, rather than a 500 that reads as our bug. Other database failures (a
 * full disk, a corrupt or read-only file) do not clear by themselves and stay 500s. Callers still log it as the
 * unexpected error it is.
 */
export function edgeErrorResponse(error: unknown): ErrorResponse {
  if (!isDatabaseBusy(error)) return errorResponse(error);
  return errorResponse(
    new AppError('storage_unavailable', 'Our database is busy; try again shortly.', {
      retryAfter: BUSY_RETRY_AFTER_SECONDS,
      cause: error,
    }),
  );
}
