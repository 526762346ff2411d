import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endToEndHeaders, forwardRequest, UpstreamRefused } from './forward-request';
import { readRequest } from './read-request';

export interface RoundRobinProxy {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The load balancer in front of the backends: each request goes to the next backend in turn. A backend that refuses
 * the connection never saw the request, so it goes to the next one (as nginx's proxy_next_upstream error does); any
 * other failure is a 502, since the backend may have acted on it.
 */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const request = await readRequest(req);
    const first = next++;
    for (let i = 0; i < upstreams.length; i++) {
      const upstream = upstreams[(first + i) % upstreams.length] as string;
      try {
        const answer = await forwardRequest(upstream, request);
        return void res.writeHead(answer.status, endToEndHeaders(answer.headers)).end(answer.body);
      } catch (error) {
        if (!(error instanceof UpstreamRefused)) break;
      }
    }
    res.writeHead(502, { 'Content-Length': '0' }).end();
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Length': '0' }).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
