import type { AccountSeed } from './amocrm-emulator-types';

/**
 * What the Redirect URI names the account by (crm-rest §1.3): `referer` is its host, `<subdomain>.<domain>` (the
 * docs leave the format open; this is the host form), and `platform` is 1 for amocrm.ru, 2 for amocrm.com and
 * kommo.com.
 */
export function accountRedirectParams(account: AccountSeed): { referer: string; platform: '1' | '2' } {
  return { referer: `${account.subdomain}.${account.domain}`, platform: account.domain === 'amocrm.ru' ? '1' : '2' };
}
