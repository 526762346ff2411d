import { createHmac } from 'node:crypto';

/**
 * The disconnect hook's `signature` (crm-rest §1.8): lowercase hex HMAC-SHA256 of `client_id|account_id` keyed with
 * the client secret, as PHP's hash_hmac prints it.
 */
export function disconnectSignature(clientId: string, accountId: number, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`${clientId}|${accountId}`).digest('hex');
}
