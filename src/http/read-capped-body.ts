import type { IncomingMessage } from 'node:http';

const EMPTY = new Uint8Array();

/**
 * The request body as raw bytes, or null when it is larger than `maxBytes`. A declared Content-Length over the cap is
 * refused before reading; a chunked body is counted as it streams, so an oversized one is never held in full.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) return null;
  if (request.body === null) return EMPTY;
  if (declared >= 0) {
    // The common case (amojo sends a length): one buffer, no chunk bookkeeping. A lying length is still capped.
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength > maxBytes ? null : bytes;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * readCappedBody straight from node:http's request, where the web stream @hono/node-server would wrap it in costs
 * several times the CPU of the read itself. Resolves null as soon as the body is known to pass `maxBytes` (declared or
 * counted) and reads no further; whether to answer or drop the connection then is the caller's choice. Rejects when
 * the client goes away before the body ends.
 */
export function readCappedIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(incoming.headers['content-length'] ?? Number.NaN) > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      cleanup();
      incoming.pause();
      resolve(null);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (incoming.readableEnded) return onEnd();
      cleanup();
      reject(new Error('the client closed the request before its body ended'));
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
