import { createHmac } from 'node:crypto';
import { timingSafeHexEqual } from './timing-safe-hex-equal';

export interface VerifyWebhookInput {
  /** The raw request bytes, before any JSON parsing. */
  body: Uint8Array;
  signature: string | undefined | null;
  /** Current secret first; the previous one during a rotation. */
  secrets: readonly string[];
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Checks a hook's `X-Signature` against every accepted secret in constant time.
 * amojo has been seen appending one line ending it did not sign, so a body ending in
 * CRLF, LF or CR is also tried without that single ending (never more than one).
 */
export function verifyWebhook(input: VerifyWebhookInput): boolean {
  const { body, signature, secrets } = input;
  if (!signature) return false;
  const candidates = [body];
  const trimmed = withoutOneLineEnding(body);
  if (trimmed) candidates.push(trimmed);
  let ok = false;
  // Every secret and candidate is tried, so timing does not reveal which one matched.
  for (const secret of secrets) {
    for (const candidate of candidates) {
      const expected = createHmac('sha1', secret).update(candidate).digest();
      ok = timingSafeHexEqual(signature, expected) || ok;
    }
  }
  return ok;
}

function withoutOneLineEnding(body: Uint8Array): Uint8Array | null {
  const n = body.length;
  if (n >= 2 && body[n - 2] === CR && body[n - 1] === LF) return body.subarray(0, n - 2);
  if (n >= 1 && (body[n - 1] === LF || body[n - 1] === CR)) return body.subarray(0, n - 1);
  return null;
}
