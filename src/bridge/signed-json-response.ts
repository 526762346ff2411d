import { signBridgeDelivery } from './sign-bridge-delivery';

/**
 * A 200 JSON answer signed exactly like a delivery (X-Channel-Timestamp, X-Channel-Signature over
 * `<timestamp>.<raw body>`), so the messenger checks it with the same verifier and the secret it holds. The body is
 * serialised here once, and those very bytes are both signed and sent.
 */
export function signedJsonResponse(body: unknown, secret: string, nowMs: number): Response {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  const signature = signBridgeDelivery({ secret, timestamp: Math.floor(nowMs / 1000), body: bytes });
  return new Response(bytes, {
    status: 200,
    // no-store: the answer vouches for credentials at one moment; a cached copy would outlive a rotation.
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...signature },
  });
}
