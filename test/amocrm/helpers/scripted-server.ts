import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = (request: SeenRequest, response: ServerResponse) => void;

/** A real node:http server on 127.0.0.1:0 that records each request and answers from the current script. */
export async function startScriptedServer() {
  const seen: SeenRequest[] = [];
  let script: Answer = (_request, response) => void response.writeHead(200).end('{}');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      script(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer(next: Answer) {
      script = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with a status, JSON (or raw text) and headers. */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): Answer {
  return (_request, response) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? {} : { 'Content-Type': 'application/problem+json' };
    response.writeHead(status, { ...(body === undefined ? {} : type), ...headers }).end(text);
  };
}
