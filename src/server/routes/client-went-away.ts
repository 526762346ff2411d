import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Whether a failed request is the client's leaving rather than our failure, for the node:http bindings, as the app's
 * error handler tells: @hono/node-server aborts the request once the request stream failed or the connection closed
 * before the answer was written, and node:http's own error for a body cut short is ECONNRESET "aborted". Not
 * `req.destroyed`: node:http destroys a request as soon as its body has been read, so that would hide every failure
 * that comes after the body, a database's among them.
 */
export function clientWentAway(req: IncomingMessage, res: ServerResponse, error: unknown): boolean {
  if (req.errored !== null || (res.destroyed && !res.writableFinished)) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}
