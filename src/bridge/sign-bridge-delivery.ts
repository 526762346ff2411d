import { createHmac } from 'node:crypto';

export const BRIDGE_TIMESTAMP_HEADER = 'X-Channel-Timestamp';
export const BRIDGE_SIGNATURE_HEADER = 'X-Channel-Signature';
/**
 * Our answers to the messenger's own calls (`GET /bridge/v1/me`) are signed under their own header and with a
 * `response.` prefix in the signed string: an answer anyone with the API key can fetch must never verify as a
 * delivery when replayed to the messenger's webhook.
 */
export const BRIDGE_RESPONSE_SIGNATURE_HEADER = 'X-Channel-Response-Signature';
export const BRIDGE_RESPONSE_CONTEXT = 'response';

export interface SignBridgeDeliveryInput {
  secret: string;
  /** Unix seconds; signed with the body so a captured delivery cannot be replayed later. */
  timestamp: number;
  body: Uint8Array;
  /** Signs `<context>.<timestamp>.<body>` instead: a signature made for one purpose verifies for no other. */
  context?: string;
}

/** What the HMAC covers before the body: `<timestamp>.`, or `<context>.<timestamp>.` for a signed answer of ours. */
export function signedPrefix(timestamp: number | string, context?: string): string {
  return context === undefined ? `${timestamp}.` : `${context}.${timestamp}.`;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`, the Stripe/Slack pattern messengers already know. */
export function signBridgeDelivery({
  secret,
  timestamp,
  body,
  context,
}: SignBridgeDeliveryInput): Record<string, string> {
  const mac = createHmac('sha256', secret).update(signedPrefix(timestamp, context)).update(body).digest('hex');
  const header = context === undefined ? BRIDGE_SIGNATURE_HEADER : BRIDGE_RESPONSE_SIGNATURE_HEADER;
  return { [BRIDGE_TIMESTAMP_HEADER]: String(timestamp), [header]: `sha256=${mac}` };
}
