import { createHmac } from 'node:crypto';

export const BRIDGE_TIMESTAMP_HEADER = 'X-Channel-Timestamp';
export const BRIDGE_SIGNATURE_HEADER = 'X-Channel-Signature';

export interface SignBridgeDeliveryInput {
  secret: string;
  /** Unix seconds; signed with the body so a captured delivery cannot be replayed later. */
  timestamp: number;
  body: Uint8Array;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`, the Stripe/Slack pattern messengers already know. */
export function signBridgeDelivery({ secret, timestamp, body }: SignBridgeDeliveryInput): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { [BRIDGE_TIMESTAMP_HEADER]: String(timestamp), [BRIDGE_SIGNATURE_HEADER]: `sha256=${mac}` };
}
