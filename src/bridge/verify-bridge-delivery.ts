import { createHmac, timingSafeEqual } from 'node:crypto';
import { signedPrefix } from './sign-bridge-delivery';

export const BRIDGE_TOLERANCE_SECONDS = 300;

export interface VerifyBridgeDeliveryInput {
  secrets: readonly string[];
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  body: Uint8Array;
  /** Unix seconds. */
  now: number;
  toleranceSeconds?: number;
  /** For a signed answer of ours (`response`, see sign-bridge-delivery.ts): deliveries have none. */
  context?: string;
}

export type BridgeDeliveryVerdict = 'ok' | 'missing' | 'stale' | 'mismatch';

/** What a messenger runs on each delivery (the demo messenger does); a reference for integrators. */
export function verifyBridgeDelivery(input: VerifyBridgeDeliveryInput): BridgeDeliveryVerdict {
  const { timestamp, signature, body } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'missing';
  if (Math.abs(input.now - Number(timestamp)) > (input.toleranceSeconds ?? BRIDGE_TOLERANCE_SECONDS)) return 'stale';
  const received = /^sha256=([0-9a-f]{64})$/.exec(signature.trim().toLowerCase())?.[1];
  if (!received) return 'mismatch';
  const got = Buffer.from(received, 'hex');
  let ok = false;
  const signed = signedPrefix(timestamp, input.context);
  for (const secret of input.secrets) {
    const expected = createHmac('sha256', secret).update(signed).update(body).digest();
    ok = timingSafeEqual(got, expected) || ok;
  }
  return ok ? 'ok' : 'mismatch';
}
