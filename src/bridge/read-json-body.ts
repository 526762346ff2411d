import type { IncomingMessage } from 'node:http';
import { z } from 'zod/mini';
import { formatIssues } from '../contracts/amojo';
import { AppError } from '../http/app-error';
import { readCappedBody, readCappedIncoming } from '../http/read-capped-body';

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}

const tooLarge = (limit: number) =>
  new AppError(
    'payload_too_large',
    `The body is larger than the ${Math.floor(limit / 1024)} KB this endpoint accepts.`,
  );

/** Reads at most `limit` bytes, stopping (and cancelling the upload) at the first byte over. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const bytes = await readCappedBody(request, limit);
  if (bytes === null) throw tooLarge(limit);
  return bytes;
}

/**
 * The same from node:http's request. The rest of an oversized upload is left unread, and the socket open: destroying
 * the request here would reset the connection before the 413 is written. The app's error mapping closes the
 * connection after that answer instead.
 */
async function readIncomingLimited(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  const bytes = await readCappedIncoming(incoming, limit);
  if (bytes === null) throw tooLarge(limit);
  return bytes;
}

/**
 * The request body checked in the order the bridge promises: content type (415), size (413), JSON (400), then the
 * schema (400 with `issues` naming every bad field). Messages never echo the body: it may hold client text.
 */
export async function readJsonBody<S extends z.core.$ZodType>(
  request: Request,
  schema: S,
  limit: number,
  /** The node:http request behind `request` (@hono/node-server's `c.env.incoming`), when the body is still unread. */
  incoming?: IncomingMessage,
): Promise<{ body: z.infer<S>; raw: unknown }> {
  if (!isJson(request.headers.get('content-type') ?? undefined)) {
    throw new AppError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const bytes =
    incoming !== undefined && !incoming.readableDidRead && !incoming.readableEnded
      ? await readIncomingLimited(incoming, limit)
      : await readLimited(request, limit);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('invalid_request', 'The body is not valid UTF-8 JSON.');
  }
  const result = z.safeParse(schema, raw);
  if (!result.success) {
    throw new AppError('invalid_request', 'The body does not match the bridge contract; see issues.', {
      issues: formatIssues(result.error, raw),
    });
  }
  return { body: result.data as z.infer<S>, raw };
}
