import type { IncomingMessage } from 'node:http';
import { createHttpTransport, type HttpTransportOptions } from './create-http-transport';
import type { FetchLike, ResponseLike } from './fetch-like';

export interface HttpFetchOptions extends HttpTransportOptions {
  /** Larger answers are refused as a failed request (default 1 MiB): we only ever read small JSON. */
  maxResponseBytes?: number;
}

/**
 * A fetch for the relay's hot path over node:http with keep-alive agents. Node 20's built-in fetch spends several
 * times more CPU per request on web streams than this does, and building a web Response for each answer still cost
 * about a third of a call here, so the answer is a plain ResponseLike. It speaks just what the amojo client and the
 * bridge deliveries use: method, headers, a string or byte body, an AbortSignal and `redirect` (default 'manual':
 * a 3xx comes back as it is). With a `policy` it is the egress guard (createEgressFetch).
 */
export function createHttpFetch(options: HttpFetchOptions = {}): FetchLike {
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const send = createHttpTransport(options);
  return async (input, init = {}) => {
    const response = await send(input, init);
    const text = await readCapped(response, maxResponseBytes);
    const status = response.statusCode ?? 0;
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: headersOf(response),
      text: () => Promise.resolve(text),
    };
  };
}

/** ResponseLike's headers over node's lower-cased header object; repeated headers are joined as fetch joins them. */
export function headersOf(response: IncomingMessage): ResponseLike['headers'] {
  const raw = response.headers;
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function readCapped(response: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) response.destroy(new Error('response too large'));
      else chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
