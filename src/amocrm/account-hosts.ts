/**
 * The one map of amoCRM / Kommo account domains to their region: an account's region picks its amojo host and its
 * REST host alike (chats-api §1.19, widget-platform §7).
 */
export const ACCOUNT_DOMAINS = {
  'amocrm.ru': 'ru',
  'amocrm.com': 'com',
  'kommo.com': 'kommo',
} as const;

export type AccountDomain = keyof typeof ACCOUNT_DOMAINS;
export type AccountRegion = (typeof ACCOUNT_DOMAINS)[AccountDomain];

export interface AccountHost {
  subdomain: string;
  domain: AccountDomain;
  region: AccountRegion;
}

// One DNS label, then one of the three CRM domains. Nested labels (`a.b.amocrm.ru`) are no account address, so they
// are refused rather than read as a subdomain.
const ACCOUNT_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.(amocrm\.ru|amocrm\.com|kommo\.com)$/;
// The CRM's own site, not an account: refused as a CORS origin, a token issuer and an OAuth referer alike.
const NOT_ACCOUNTS: ReadonlySet<string> = new Set(['www']);

/**
 * `acme.amocrm.ru` -> `{ subdomain: 'acme', domain: 'amocrm.ru', region: 'ru' }`; anything that is not one account's
 * host gives null. Host names are case-insensitive and may end in the root's dot, so both are forgiven.
 */
export function parseAccountHost(host: string): AccountHost | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  const match = ACCOUNT_HOST.exec(name);
  const subdomain = match?.[1];
  const domain = match?.[2] as AccountDomain | undefined;
  if (subdomain === undefined || domain === undefined || NOT_ACCOUNTS.has(subdomain)) return null;
  return { subdomain, domain, region: ACCOUNT_DOMAINS[domain] };
}
