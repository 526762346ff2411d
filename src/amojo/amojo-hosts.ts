import type { AccountRegion } from '../amocrm/account-hosts';

/** amojo is served per region; an account's region follows its CRM domain (account-hosts.ts, chats-api §1.19). */
export const AMOJO_HOSTS = {
  ru: 'https://amojo.amocrm.ru',
  com: 'https://amojo.amocrm.com',
  kommo: 'https://amojo.kommo.com',
} as const satisfies Record<AccountRegion, string>;

export type AmojoRegion = AccountRegion;

/** A region read from storage or the outside; own keys only, so `constructor` is no region. */
export function isAmojoRegion(value: string): value is AmojoRegion {
  return Object.hasOwn(AMOJO_HOSTS, value);
}

/** `AMOJO_BASE_URL` (sandbox, tests) wins over the region's host for every region. */
export function amojoBaseUrl(region: AmojoRegion, override?: string): string {
  return (override || AMOJO_HOSTS[region]).replace(/\/+$/, '');
}
