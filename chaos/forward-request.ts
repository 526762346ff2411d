import http, { type IncomingHttpHeaders } from 'node:http';

export interface BufferedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface BufferedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Thrown when the upstream never took the request (nothing listens): safe to send it elsewhere. */
export class UpstreamRefused extends Error {}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te']);

/** Strips hop-by-hop headers, which belong to one connection and must not be forwarded. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/** Sends a buffered request to `origin` (http only) and buffers the answer. */
export function forwardRequest(origin: string, request: BufferedRequest): Promise<BufferedResponse> {
  const target = new URL(origin);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.path,
        agent,
        headers: { ...endToEndHeaders(request.headers), host: target.host, 'content-length': request.body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ECONNREFUSED' ? new UpstreamRefused(error.message) : error),
    );
    outgoing.end(request.body);
  });
}
