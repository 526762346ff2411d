import type { z } from 'zod/mini';
import { formatIssues } from '../../contracts/amojo';
import type { ApiResponse } from './api-response';
import { badRequest } from './error-responses';

export type ParsedBody<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly response: ApiResponse };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON.parse then schema; both failures become a 400 whose body names the problem (and the field paths). */
export function parseRequestBody<S extends z.ZodMiniType>(schema: S, body: Uint8Array): ParsedBody<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'body is not valid UTF-8';
    return { ok: false, response: badRequest(`malformed JSON body: ${reason}`) };
  }
  return parseValue(schema, json);
}

export function parseValue<S extends z.ZodMiniType>(schema: S, value: unknown): ParsedBody<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors = formatIssues(result.error, value);
  const summary = errors.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; ');
  return { ok: false, response: badRequest(`invalid request: ${summary}`, errors) };
}
