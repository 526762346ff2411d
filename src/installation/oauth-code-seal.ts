import type { SecretBox } from '../store/secret-box';

// A code is a credential for 20 minutes: it waits in the outbox sealed, bound to this use.
const CONTEXT = 'amocrm-oauth-code';

export function sealOAuthCode(box: SecretBox, code: string): string {
  return box.seal(code, CONTEXT);
}

export function openOAuthCode(box: SecretBox, sealed: string): string {
  return box.open(sealed, CONTEXT);
}
