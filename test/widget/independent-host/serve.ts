import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { FakeLinkBackend } from '../harness/fake-link-backend';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves fixed URL prefixes from directories, the way the platform serves /widgets/<code>/. */
export function staticFiles(routes: Record<string, string>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    for (const [prefix, dir] of Object.entries(routes)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir)) break;
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404).end();
  };
}

/** The fake link backend over real HTTP, with the CORS answers a browser needs for X-Auth-Token requests. */
export function backendHandler(backend: FakeLinkBackend, allowedOrigin: () => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const cors = {
      'access-control-allow-origin': allowedOrigin(),
      'access-control-allow-headers': 'X-Auth-Token, Content-Type, Accept',
      'access-control-allow-methods': 'GET, PUT, POST, DELETE',
      vary: 'Origin',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
      void backend
        .handle({ method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, headers, body })
        .then((answer) => {
          res.writeHead(answer.status, { ...cors, 'content-type': 'application/json' });
          res.end(answer.body);
        });
    });
  };
}
