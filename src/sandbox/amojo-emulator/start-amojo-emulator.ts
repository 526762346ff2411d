import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfoPageLink } from '../../http/render-info-page';
import type { ApiResponse } from './api-response';
import { type AmojoEmulator, type AmojoEmulatorOptions, createAmojoEmulator } from './create-amojo-emulator';
import { renderEmulatorRootPage } from './render-emulator-root-page';

export interface StartAmojoEmulatorOptions extends AmojoEmulatorOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Larger request bodies get 413. */
  readonly maxBodyBytes?: number;
  /** The sandbox's other pages, listed on `/`. */
  readonly links?: readonly InfoPageLink[];
}

/** The emulator on a local port: the amojo API with its misbehaviour, and the control API under `/_control`. */
export interface RunningAmojoEmulator extends AmojoEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (what AMOJO_BASE_URL should be). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startAmojoEmulator(options: StartAmojoEmulatorOptions): Promise<RunningAmojoEmulator> {
  const emulator = createAmojoEmulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = await listen(emulator, {
    host,
    port: options.port ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
    links: options.links ?? [],
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...emulator,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => server.stop(),
  };
}

interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly links: readonly InfoPageLink[];
}

interface EmulatorServer extends Server {
  stop(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** Bare node:http (the relay benchmark drives thousands of requests a second through it). */
async function listen(emulator: AmojoEmulator, options: ListenOptions): Promise<EmulatorServer> {
  const stopping = new AbortController();

  async function route(req: IncomingMessage): Promise<ApiResponse> {
    const url = req.url ?? '/';
    const body = await readBody(req, options.maxBodyBytes);
    const method = req.method ?? 'GET';
    // a person opening the printed URL gets a page, not amojo's 404; it takes no misbehaviour unit
    if (method === 'GET' && (url === '/' || url.startsWith('/?'))) {
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
        body: renderEmulatorRootPage({ channelId: emulator.channelId, links: options.links }),
      };
    }
    if (url === '/_control' || url.startsWith('/_control/')) {
      const queryAt = url.indexOf('?');
      return emulator.handleControl({ method, path: queryAt === -1 ? url : url.slice(0, queryAt), body });
    }
    const fault = emulator.takeMisbehaviour();
    if (fault?.kind === 'status') {
      const retryAfter = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
      return {
        status: fault.status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', ...retryAfter },
        body: '',
      };
    }
    if (fault?.kind === 'stall') await sleep(fault.stallMs, undefined, { signal: stopping.signal });
    return emulator.handle({
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
