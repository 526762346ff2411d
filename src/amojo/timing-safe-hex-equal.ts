import { timingSafeEqual } from 'node:crypto';

const HEX = /^[0-9a-f]*$/;

/**
 * Compares a received hex digest with the expected raw digest without leaking
 * where they differ. Only the length (public: it is fixed by the algorithm) is checked early.
 */
export function timingSafeHexEqual(received: string, expected: Buffer): boolean {
  const normalized = received.trim().toLowerCase();
  if (normalized.length !== expected.length * 2 || !HEX.test(normalized)) return false;
  return timingSafeEqual(Buffer.from(normalized, 'hex'), expected);
}
