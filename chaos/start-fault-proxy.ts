import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { endToEndHeaders, forwardRequest } from './forward-request';
import { readRequest } from './read-request';

/**
 * What the proxy does with each request: pass it on, refuse it (the connection is cut: a dead host), answer a status
 * itself (429 with Retry-After, 503), or pass it on after a delay (a slow network or host).
 */
export type FaultMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'down' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'slow'; readonly delayMs: number };

export interface FaultProxyOptions {
  /** The origin behind the proxy (http). */
  readonly target: string;
  /** Listen with TLS (the messenger's webhook must be https in production). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface FaultProxy {
  readonly url: string;
  setMode(mode: FaultMode): void;
  /** Requests seen per mode kind, for the report. */
  readonly seen: Record<FaultMode['kind'], number>;
  close(): Promise<void>;
}

/** A small proxy in front of amojo or the messenger, so an outage needs no change in what stands behind it. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let mode: FaultMode = { kind: 'pass' };
  const seen = { pass: 0, down: 0, status: 0, slow: 0 };
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const current = mode;
    seen[current.kind] += 1;
    if (current.kind === 'down') return void req.socket.destroy();
    const request = await readRequest(req);
    if (current.kind === 'status') {
      const retryAfter =
        current.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(current.retryAfterSeconds) };
      return void res.writeHead(current.status, { 'Content-Length': '0', ...retryAfter }).end();
    }
    if (current.kind === 'slow') await sleep(current.delayMs);
    const answer = await forwardRequest(options.target, request);
    res.writeHead(answer.status, endToEndHeaders(answer.headers)).end(answer.body);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Length': '0' }).end();
      else res.destroy();
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  // A dead host takes no new connection either: cut each one as it opens while down.
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (mode.kind === 'down') return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    setMode(next) {
      mode = next;
      // Kept-alive connections die with the host too.
      if (next.kind === 'down') for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
