import { AppError } from './app-error';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: {
    error: { code: string; message: string; issues?: { path: string; message: string }[]; grant_url?: string };
  };
}

/**
 * Turns anything thrown into the JSON error every route answers with. Unknown throwables
 * become a bare 500: their text may carry internals, so it goes to the log, not the caller.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (!(error instanceof AppError)) {
    return {
      status: 500,
      headers: {},
      body: { error: { code: 'internal_error', message: 'Something went wrong on our side; try again later.' } },
    };
  }
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['Retry-After'] = String(Math.max(0, Math.ceil(error.retryAfter)));
  return {
    status: error.status,
    headers,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.issues === undefined ? {} : { issues: error.issues }),
        ...(error.grantUrl === undefined ? {} : { grant_url: error.grantUrl }),
      },
    },
  };
}
