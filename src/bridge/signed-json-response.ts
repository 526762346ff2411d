import { BRIDGE_RESPONSE_CONTEXT, signBridgeDelivery } from './sign-bridge-delivery';

/**
 * A 200 JSON answer signed like a delivery but for another purpose (X-Channel-Timestamp, and
 * X-Channel-Response-Signature over `response.<timestamp>.<raw body>`), so the messenger checks it with the secret it
 * holds, and a replay of it to the messenger's webhook never verifies. The body is serialised here once, and those
 * very bytes are both signed and sent.
 */
export function signedJsonResponse(body: unknown, secret: string, nowMs: number): Response {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  const timestamp = Math.floor(nowMs / 1000);
  const signature = signBridgeDelivery({ secret, timestamp, body: bytes, context: BRIDGE_RESPONSE_CONTEXT });
  return new Response(bytes, {
    status: 200,
    // no-store: the answer vouches for credentials at one moment; a cached copy would outlive a rotation.
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...signature },
  });
}
