import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DisconnectHookKeys {
  clientId: string;
  clientSecret: string;
}

export type DisconnectHookVerdict =
  | { ok: true; accountId: number }
  | { ok: false; reason: 'missing_fields' | 'client_mismatch' | 'bad_account_id' | 'signature_invalid' };

// What PHP's `(int)` cast in the docs' sample leaves unchanged: no sign, no leading zero, no spaces, no exponent.
// Anything else would be signed over a different string than the one received, so it is refused, not normalized.
const ACCOUNT_ID = /^[1-9][0-9]*$/;

/**
 * amoCRM's disconnect hook (crm-rest §1.8, §9.9): a GET with `account_id`, `client_uuid` and `signature`, checked in
 * the docs' order. `signature` is hex HMAC-SHA256 keyed with the client secret over `client_uuid|account_id`.
 *
 * `client_uuid` is compared case-insensitively (a UUID's hex digits carry no case, so an id configured in capitals
 * is still ours) and the HMAC is computed over the spelling received, which is the one amoCRM signed. The signature's
 * hex is read case-insensitively too: PHP emits lowercase, and the case of a hex digit carries no secret.
 */
export function verifyDisconnectHook(
  query: Readonly<Record<string, string | undefined>>,
  keys: DisconnectHookKeys,
): DisconnectHookVerdict {
  const { account_id: accountText, client_uuid: clientUuid, signature } = query;
  if (!accountText || !clientUuid || !signature) return { ok: false, reason: 'missing_fields' };
  if (clientUuid.toLowerCase() !== keys.clientId.toLowerCase()) return { ok: false, reason: 'client_mismatch' };
  const accountId = Number(accountText);
  if (!ACCOUNT_ID.test(accountText) || !Number.isSafeInteger(accountId)) return { ok: false, reason: 'bad_account_id' };
  const expected = Buffer.from(signDisconnectHook(clientUuid, keys.clientSecret, accountId), 'utf8');
  const received = Buffer.from(signature.toLowerCase(), 'utf8');
  // timingSafeEqual throws on a length difference; the length of an HMAC is public, so checking it first leaks nothing.
  const valid = received.length === expected.length && timingSafeEqual(received, expected);
  return valid ? { ok: true, accountId } : { ok: false, reason: 'signature_invalid' };
}

/** The signature amoCRM puts on a disconnect hook; the sandbox emulator and the tests sign with it. */
export function signDisconnectHook(clientId: string, clientSecret: string, accountId: number): string {
  return createHmac('sha256', clientSecret).update(`${clientId}|${accountId}`).digest('hex');
}
