import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BridgeMessages } from '../../bridge/create-bridge-messages';
import { readBridgeBody } from '../../bridge/read-bridge-body';
import { bridgeMessageRequest, bridgePaths } from '../../contracts/bridge';
import { AppError } from '../../http/app-error';
import type { Logger } from '../../observability/create-logger';
import { edgeErrorResponse } from '../edge-error-response';
import { clientWentAway } from './client-went-away';

/** The path exactly, with or without a query; anything else (a trailing slash, an escape) is left to the app. */
const PATH = /^\/bridge\/v1\/messages(?:\?.*)?$/;

/**
 * POST /bridge/v1/messages bound straight to node:http, ahead of the hono app, as the amojo hook route is: a busy
 * messenger's messages are the bridge's hot path, and the framework's Request/Response round trip took 5-8% of each
 * one's CPU. Same core (`messages`, the one bridgeRoutes was given) and the same answers as the app's route: statuses,
 * headers and JSON bodies. Returns false for any other request, which then goes to the app.
 */
export function createBridgeNodeHandler(messages: BridgeMessages, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || req.url === undefined || !PATH.test(req.url)) return false;
    messages
      .post(headerOf(req, 'authorization') ?? undefined, () =>
        readBridgeBody(headersOnly(req), bridgeMessageRequest, messages.limits.bodyBytes, req),
      )
      .then(
        (accepted) => ({ status: 202, headers: {}, body: accepted as object }),
        (error: unknown) => {
          if (!(error instanceof AppError)) {
            // A client that left mid-body is nobody's failure (clientWentAway); anything else is ours and logged.
            if (clientWentAway(req, error))
              logger.debug({ path: bridgePaths.messages }, 'client went away mid-request');
            else logger.error({ err: error, path: bridgePaths.messages }, 'unhandled error');
          }
          return edgeErrorResponse(error);
        },
      )
      .then((out) => {
        const text = JSON.stringify(out.body);
        // The rest of an oversized body is never read: the connection closes after the answer instead.
        const close = out.status === 413 ? { connection: 'close' } : {};
        res
          .writeHead(out.status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
            ...out.headers,
            ...close,
          })
          .end(text);
      })
      .catch((error: unknown) => {
        // Writing the answer itself failed (a socket torn down under us): nothing is left to answer, and a rejection
        // left unheard would end the process.
        logger.error({ err: error, path: bridgePaths.messages }, 'could not write the answer');
        res.destroy();
      });
    return true;
  };
}

/**
 * A header as the app sees it (@hono/node-server builds its Headers from the raw list): every occurrence, joined
 * with ", ". node:http's `headers` keeps only the first Authorization or Content-Type, which could let a request
 * pass here that the app refuses.
 */
function headerOf(req: IncomingMessage, name: string): string | null {
  const want = name.toLowerCase();
  const raw = req.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === want.length && key.toLowerCase() === want) {
      value = value === null ? (raw[i + 1] as string) : `${value}, ${raw[i + 1]}`;
    }
  }
  return value;
}

/**
 * What readJsonBody reads of the web Request when handed the unread node:http request beside it: the headers only
 * (content type and length); the body it reads from `incoming`. Building a real Request for that would cost most of
 * what this binding saves.
 */
function headersOnly(req: IncomingMessage): Request {
  return { headers: { get: (name: string) => headerOf(req, name) } } as unknown as Request;
}
