import type { IncomingMessage } from 'node:http';
import type { BufferedRequest } from './forward-request';

/** Reads a whole request; proxies buffer bodies so a refused upstream can be retried on another. */
export function readRequest(req: IncomingMessage): Promise<BufferedRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () =>
      resolve({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) }),
    );
  });
}
