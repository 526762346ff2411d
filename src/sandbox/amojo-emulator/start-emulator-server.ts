import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiResponse } from './api-response';
import type { ControlRequest } from './create-control-handler';
import type { FaultInjector } from './FaultInjector';
import type { ApiRequest } from './handle-api-request';

export interface EmulatorServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly faults: FaultInjector;
  readonly api: (request: ApiRequest) => ApiResponse;
  readonly control: (request: ControlRequest) => Promise<ApiResponse>;
}

export interface EmulatorServer extends Server {
  stop(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** Bare node:http (the relay benchmark drives thousands of requests a second through it). */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const stopping = new AbortController();

  async function route(req: IncomingMessage): Promise<ApiResponse> {
    const url = req.url ?? '/';
    const body = await readBody(req, options.maxBodyBytes);
    const method = req.method ?? 'GET';
    if (url === '/_control' || url.startsWith('/_control/')) {
      const queryAt = url.indexOf('?');
      return options.control({ method, path: queryAt === -1 ? url : url.slice(0, queryAt), body });
    }
    const fault = options.faults.take();
    if (fault?.kind === 'status') {
      const retryAfter = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
      return {
        status: fault.status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', ...retryAfter },
        body: '',
      };
    }
    if (fault?.kind === 'stall') await sleep(fault.stallMs, undefined, { signal: stopping.signal });
    return options.api({
      method,
      url,
      headers: {
        date: header(req, 'date'),
        contentType: header(req, 'content-type'),
        contentMd5: header(req, 'content-md5'),
        signature: header(req, 'x-signature'),
      },
      body,
    });
  }

  const server = createServer((req, res) => {
    route(req).then(
      (response) => send(res, response),
      (error: unknown) => {
        if (stopping.signal.aborted) return void res.destroy();
        if (error instanceof BodyTooLarge) return send(res, { status: 413, body: 'request body too large' });
        console.error('amojo emulator: unexpected error', error);
        send(res, { status: 500, body: 'internal error' });
      },
    );
  }) as EmulatorServer;

  server.stop = () =>
    new Promise<void>((resolve) => {
      stopping.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: ApiResponse): void {
  const body = response.body ?? '';
  // A 204 carries neither a body nor a Content-Length (RFC 9110 §8.6).
  const length = response.status === 204 ? {} : { 'Content-Length': Buffer.byteLength(body) };
  res.writeHead(response.status, { ...response.headers, ...length });
  res.end(response.status === 204 ? undefined : body);
}
