import type { AccountSeed } from './amocrm-emulator-types';

/** `https://<sub>.<domain>`: where amoCRM's `_links` point, whatever host the request came to. */
export function accountOrigin(account: AccountSeed): string {
  return `https://${account.subdomain}.${account.domain}`;
}
