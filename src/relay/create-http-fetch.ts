import http from 'node:http';
import https from 'node:https';

export interface HttpFetchOptions {
  /** Connections per host kept open and reused (default 256). */
  maxSockets?: number;
  /** Larger answers are refused as a failed request (default 1 MiB): we only ever read small JSON. */
  maxResponseBytes?: number;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for the relay's hot path over node:http with keep-alive agents. Node 20's built-in fetch spends several
 * times more CPU per request on web streams than this does, and the relay makes one request per message. It speaks
 * just what the amojo client and the bridge deliveries use: method, headers, a string or byte body and an
 * AbortSignal. Redirects are never followed (a 3xx comes back as it is, like `redirect: 'manual'`).
 */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const maxSockets = options.maxSockets ?? 256;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };

  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      }
      const body = toBuffer(init.body);
      if (body === null) return reject(new TypeError('unsupported body type'));
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      if (body !== undefined) headers['content-length'] = String(body.byteLength);
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent: agents[url.protocol],
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size > maxResponseBytes) response.destroy(new Error('response too large'));
            else chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const answer = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (Array.isArray(value)) for (const v of value) answer.append(name, v);
              else if (value !== undefined) answer.set(name, value);
            }
            try {
              resolve(
                new Response(NULL_BODY_STATUS.has(status) ? null : Buffer.concat(chunks), { status, headers: answer }),
              );
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

function toBuffer(body: RequestInit['body']): Buffer | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return null;
}
