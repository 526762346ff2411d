import { createHash } from 'node:crypto';

/** Lowercase hex MD5 of the exact bytes on the wire; amojo's `Content-MD5` is hex, not base64 (RFC 1864). */
export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}
