import type { IncomingMessage } from 'node:http';

/**
 * Whether a failed request is the client's leaving rather than our failure, for the node:http bindings: the request
 * stream failed or ended before its whole body came (node:http's error for a body cut short is ECONNRESET
 * "aborted"). A failure after the whole body arrived is ours, even if the client has gone since: a database failure
 * that outlasted the sender's patience must still reach the log. Not `req.destroyed`: node:http destroys a request
 * as soon as its body has been read, which would hide every failure after the body.
 */
export function clientWentAway(req: IncomingMessage, error: unknown): boolean {
  if (req.errored !== null || !req.complete) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' && message === 'aborted';
}
