import { safeParse, type z } from 'zod/mini';
import { formatIssues } from '../../../contracts/format-issues';
import { AppError } from '../../../http/app-error';
import { readCappedBody } from '../../../http/read-capped-body';

export interface ReadJsonBodyOptions {
  maxBytes: number;
  /** An absent or empty body reads as `{}` (rotate, test, DELETE); otherwise a JSON body is required (PUT). */
  optional: boolean;
}

/**
 * The edge checks for a request body, in a fixed order so a client always hears about the first problem:
 * content type (415), size (413), JSON syntax (400), then the schema (400 with an issue per field).
 */
export async function readJsonBody<S extends z.ZodMiniType>(
  request: Request,
  schema: S,
  options: ReadJsonBodyOptions,
): Promise<z.infer<S>> {
  const contentType = request.headers.get('content-type');
  const json = contentType !== null && isJsonContentType(contentType);
  if (contentType !== null && !json) throw unsupportedMediaType();
  if (!json && !options.optional) throw unsupportedMediaType();

  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!json && declared > 0) throw unsupportedMediaType();
  if (declared > options.maxBytes) throw tooLarge(options.maxBytes);
  const bytes = await readCapped(request, options.maxBytes);

  if (bytes.length === 0 && options.optional) return parseWithSchema(schema, {});
  if (!json) throw unsupportedMediaType();

  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.', {
      issues: [{ path: '', message: 'malformed JSON' }],
    });
  }
  return parseWithSchema(schema, value);
}

function parseWithSchema<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const parsed = safeParse(schema, value);
  if (parsed.success) return parsed.data;
  throw new AppError('invalid_request', 'The body does not match the request schema.', {
    issues: formatIssues(parsed.error, value),
  });
}

// `application/json`, with or without parameters such as charset; jQuery sends exactly that when told to.
function isJsonContentType(value: string): boolean {
  return /^application\/json\s*(;.*)?$/i.test(value.trim());
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const bytes = await readCappedBody(request, maxBytes);
  if (bytes === null) throw tooLarge(maxBytes);
  return bytes;
}

function unsupportedMediaType(): AppError {
  return new AppError('unsupported_media_type', 'Send the body as application/json.');
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `The body is larger than ${maxBytes} bytes.`);
}
