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
