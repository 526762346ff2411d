import { type ApiResponse, jsonResponse, textResponse } from './api-response';

export interface IssueLike {
  readonly path: string;
  readonly message: string;
}

/**
 * 400 with a JSON body naming the problem: `{error_code, error_type, error_description, errors?}` (contracts'
 * emulatorErrorBody; amojo's own 400 body is undocumented, this is the shape a working peer parses).
 */
export function badRequest(
  description: string,
  errors: readonly IssueLike[] = [],
  errorType = 'invalid_request',
): ApiResponse {
  return jsonResponse(400, {
    error_code: 400,
    error_type: errorType,
    error_description: description,
    ...(errors.length > 0 ? { errors } : {}),
  });
}

/** 400 for one named field. */
export function badField(path: string, message: string, errorType = 'invalid_request'): ApiResponse {
  return badRequest(`${path}: ${message}`, [{ path, message }], errorType);
}

/** 404 as Kommo's spec describes it: text/plain; the short text is for people reading logs, not for parsing. */
export function notFound(what: string): ApiResponse {
  return textResponse(404, `${what} not found`);
}
