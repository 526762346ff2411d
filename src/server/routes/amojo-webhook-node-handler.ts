import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCappedIncoming } from '../../http/read-capped-body';
import { edgeErrorResponse } from '../edge-error-response';
import { type AmojoWebhookDeps, createHookAnswerer, DEFAULT_HOOK_MAX_BODY_BYTES } from './amojo-webhook-routes';
import { clientWentAway } from './client-went-away';

const PATH = /^\/amojo\/webhook\/([^/?#]+)\/?(?:\?.*)?$/;

/**
 * The hook route bound straight to node:http, ahead of the hono app: amojo's hooks are the hot path, and a
 * Request/Response round trip through the framework cost more than the durable write itself. Same core, same
 * answers as amojoWebhookRoutes. Returns false for any other request, which then goes to the app.
 */
export function createAmojoWebhookNodeHandler(deps: AmojoWebhookDeps) {
  const answer = createHookAnswerer(deps);
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_HOOK_MAX_BODY_BYTES;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const match = req.method === 'POST' && req.url ? PATH.exec(req.url) : null;
    if (!match) return false;
    const started = performance.now();
    const scopeId = decodeScope(match[1]!);
    const signature = headerValue(req.headers['x-signature']);
    readCappedIncoming(req, maxBytes)
      .then((body) => answer(started, { scopeId, body, signature }))
      .catch((error: unknown) => {
        // A sender that hung up mid-body is not our failure; amojo sends an unanswered hook again.
        if (clientWentAway(req, error)) deps.logger?.debug({ scope: scopeId }, 'sender went away mid-request');
        else deps.logger?.error({ err: error, scope: scopeId }, 'amojo hook failed');
        return edgeErrorResponse(error);
      })
      .then((out) => {
        const text = JSON.stringify(out.body);
        // The rest of an oversized body is never read: the connection closes after the answer instead.
        const close = out.status === 413 ? { connection: 'close' } : {};
        res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers, ...close }).end(text);
      })
      .catch((error: unknown) => {
        // Writing the answer itself failed: nothing is left to answer (amojo sends the hook again), and a rejection
        // left unheard would end the process.
        deps.logger?.error({ err: error, scope: scopeId }, 'could not write the hook answer');
        res.destroy();
      });
    return true;
  };
}

/** As hono decodes path parameters: a malformed escape leaves the text as it came, and the scope check refuses it. */
function decodeScope(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
