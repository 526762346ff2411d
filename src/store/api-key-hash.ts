import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 hex of a bridge API key. A plain fast hash is enough because the keys are long random strings, not
 * passwords: there is nothing to brute-force, and the hash doubles as the lookup key.
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Compares a presented key with a stored hash in constant time. */
export function verifyApiKey(apiKey: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(apiKey), 'utf8');
  const stored = Buffer.from(storedHash, 'utf8');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
