import type { AccountHost } from './account-hosts';

/** An account's REST origin; AMOCRM_API_BASE_URL (the sandbox emulator, tests) wins for every account. */
export function accountBaseUrl(host: AccountHost, override?: string): string {
  return (override || `https://${host.subdomain}.${host.domain}`).replace(/\/+$/, '');
}
