import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether an Authorization header carries `Bearer <expected>`. Both sides are hashed first, so the comparison is
 * constant-time over equal lengths and leaks neither where they differ nor the expected token's length.
 */
export function bearerTokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  // A missing header is compared as '' and takes the same path as a wrong token; config refuses an empty one.
  return timingSafeEqual(sha256(given), sha256(expected));
}
