import type { IncomingMessage } from 'node:http';
import { safeParse, type z } from 'zod/mini';
import { formatIssues } from '../contracts/format-issues';
import { AppError } from './app-error';
import { readCappedBody, readCappedIncoming } from './read-capped-body';

// One decoder for every request: it keeps no state between decode() calls without `stream`.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What the errors say. The bridge words them its own way (docs/bridge.md); every other route uses the default. */
export interface JsonBodyWording {
  unsupportedMediaType: string;
  tooLarge: (maxBytes: number) => string;
  malformed: string;
  /** A malformed body also names the root (path `''`) in `issues`, as the amojo webhook's does. */
  malformedIssue: boolean;
  schemaMismatch: string;
}

const defaultJsonBodyWording: JsonBodyWording = {
  unsupportedMediaType: 'Send the body as application/json.',
  tooLarge: (maxBytes) => `The body is larger than ${maxBytes} bytes.`,
  malformed: 'The body is not valid JSON.',
  malformedIssue: true,
  schemaMismatch: 'The body does not match the request schema.',
};

export interface ReadJsonBodyOptions {
  maxBytes: number;
  /** An absent or empty body reads as `{}` (the link API's rotate, test and DELETE); otherwise JSON is required. */
  optional?: boolean;
  /** The node:http request behind `request` (@hono/node-server's `c.env.incoming`), read directly when still unread. */
  incoming?: IncomingMessage | undefined;
  wording?: JsonBodyWording;
}

/**
 * The edge checks for a request body, in a fixed order so a client always hears about the first problem: content
 * type (415), size (413), JSON syntax (400), then the schema (400 with an issue per field). Messages never echo the
 * body: it may hold client text.
 */
export async function readJsonBody<S extends z.core.$ZodType>(
  request: Request,
  schema: S,
  options: ReadJsonBodyOptions,
): Promise<z.infer<S>> {
  const wording = options.wording ?? defaultJsonBodyWording;
  const unsupportedMediaType = () => new AppError('unsupported_media_type', wording.unsupportedMediaType);
  const contentType = request.headers.get('content-type');
  const json = contentType !== null && isJsonContentType(contentType);
  if (!json && (contentType !== null || !options.optional)) throw unsupportedMediaType();

  // Only an optional body gets here without a JSON type, and then only an empty one passes.
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!json && declared > 0) throw unsupportedMediaType();
  if (declared > options.maxBytes) throw tooLarge(wording, options.maxBytes);
  const incoming = options.incoming;
  const bytes =
    incoming !== undefined && !incoming.readableDidRead && !incoming.readableEnded
      ? await readCappedIncoming(incoming, options.maxBytes)
      : await readCappedBody(request, options.maxBytes);
  // An oversized node:http upload is left unread with the socket open: destroying the request here would reset the
  // connection before the 413 is written. The app's error mapping closes the connection after that answer instead.
  if (bytes === null) throw tooLarge(wording, options.maxBytes);

  if (bytes.length === 0 && options.optional) return parseWithSchema(schema, {}, wording);
  if (!json) throw unsupportedMediaType();
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new AppError(
      'invalid_request',
      wording.malformed,
      wording.malformedIssue ? { issues: [{ path: '', message: 'malformed JSON' }] } : {},
    );
  }
  return parseWithSchema(schema, value, wording);
}

function parseWithSchema<S extends z.core.$ZodType>(schema: S, value: unknown, wording: JsonBodyWording): z.infer<S> {
  const parsed = safeParse(schema, value);
  if (parsed.success) return parsed.data as z.infer<S>;
  throw new AppError('invalid_request', wording.schemaMismatch, { issues: formatIssues(parsed.error, value) });
}

/**
 * `application/json` or any `application/*+json` (RFC 6839's structured syntax suffix, e.g. `merge-patch+json`),
 * with or without parameters such as charset; jQuery sends `application/json; charset=UTF-8` when told to.
 */
function isJsonContentType(value: string): boolean {
  const type = value.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}

function tooLarge(wording: JsonBodyWording, maxBytes: number): AppError {
  return new AppError('payload_too_large', wording.tooLarge(maxBytes));
}
