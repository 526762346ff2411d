import type { AccountDomain } from './account-hosts';

/**
 * The grant page's host per account domain. crm-rest §1.2 names only `www.amocrm.ru`; the .com and Kommo hosts are
 * docs-silent, and these follow each brand's own site (the deprecated subdomain lookup of §1.9 uses www.amocrm.com).
 */
const OAUTH_HOSTS = {
  'amocrm.ru': 'https://www.amocrm.ru',
  'amocrm.com': 'https://www.amocrm.com',
  'kommo.com': 'https://www.kommo.com',
} as const satisfies Record<AccountDomain, string>;

export interface OAuthPopupUrlInput {
  domain: AccountDomain;
  clientId: string;
  state: string;
  mode: 'post_message' | 'popup';
  /** The sandbox emulator's origin: its `/oauth` page stands in for every domain's. */
  override?: string | undefined;
}

/** `…/oauth?client_id=…&state=…&mode=…` (crm-rest §1.2), where an admin picks the account to grant. */
export function oauthPopupUrl(input: OAuthPopupUrlInput): string {
  const origin = (input.override || OAUTH_HOSTS[input.domain]).replace(/\/+$/, '');
  const query = new URLSearchParams({ client_id: input.clientId, state: input.state, mode: input.mode });
  return `${origin}/oauth?${query.toString()}`;
}
