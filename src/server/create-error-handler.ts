import type { ErrorHandler } from 'hono';
import { AppError } from '../http/app-error';
import type { Logger } from '../observability/create-logger';
import { isDatabaseWideFailure } from '../store/is-database-wide-failure';
import { edgeErrorResponse } from './edge-error-response';

/**
 * A client that reset the connection mid-request. @hono/node-server aborts the request's signal once the connection
 * closes before the answer is written; node:http's own error for a body cut short is ECONNRESET "aborted" (the web
 * stream over it passes that error on as is), which also covers a runtime without the signal.
 */
function isClientAbort(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}

/**
 * The one error mapping of the HTTP edge, for the app and for route groups that keep their own logger. Unknown errors
 * go to the error log with their stack, except a client that went away: nobody hears that answer, and anyone could
 * fill the error log with them without a token. A 413 leaves the rest of the body unread, so the connection closes
 * after the answer (as the webhook binding does) instead of being reset before it.
 */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    const res = edgeErrorResponse(error);
    if (!(error instanceof AppError)) {
      // A database's failure is never the client's, even if the client has left meanwhile.
      if (isClientAbort(error, c.req.raw) && !isDatabaseWideFailure(error))
        logger.debug({ path: c.req.path }, 'client went away mid-request');
      else logger.error({ err: error, path: c.req.path }, 'unhandled error');
    }
    const close: Record<string, string> = res.status === 413 ? { connection: 'close' } : {};
    return c.json(res.body, res.status as 500, { ...res.headers, ...close });
  };
}
