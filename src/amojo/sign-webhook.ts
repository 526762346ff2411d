import { createHmac } from 'node:crypto';

/** amojo signs hooks over the raw body only: hex HMAC-SHA1 in `X-Signature` (chats-api §2.3). */
export function signWebhook(body: Uint8Array, secret: string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}
