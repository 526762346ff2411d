import { AppError } from '../http/app-error';
import { type ErrorResponse, errorResponse } from '../http/error-response';
import { isDatabaseWideFailure } from '../store/is-database-wide-failure';

/** What a caller is asked to wait after a database failure: SQLite's busy timeout, 5 s, once more. */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/**
 * errorResponse at the HTTP edge, the one layer that knows the store: a failure of the database itself
 * (isDatabaseWideFailure, whose whole batch was refused) is a 503 storage_unavailable with Retry-After, so a bridge
 * client backs off and sends the same request again, rather than a 500 that reads as our bug. The callers still log
 * it as the unexpected error it is.
 */
export function edgeErrorResponse(error: unknown): ErrorResponse {
  if (!isDatabaseWideFailure(error)) return errorResponse(error);
  return errorResponse(
    new AppError('storage_unavailable', 'Our database is busy or failing; nothing was stored, try again shortly.', {
      retryAfter: STORAGE_RETRY_AFTER_SECONDS,
      cause: error,
    }),
  );
}
