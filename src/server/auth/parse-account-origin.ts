import type { AmojoRegion } from '../../amojo/amojo-hosts';

export interface AccountOrigin {
  /** `https://<subdomain>.<domain>`, lower case, without a path. */
  origin: string;
  subdomain: string;
  region: AmojoRegion;
}

// One DNS label, then one of the three CRM domains (widget-platform.md §7). Nested labels (`a.b.amocrm.ru`) are no
// account address, so they are refused rather than read as a subdomain.
const ACCOUNT_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.(amocrm\.ru|amocrm\.com|kommo\.com)$/;
// The CRM's own site, not an account: refused as a CORS origin and as a token issuer alike.
const NOT_ACCOUNTS: ReadonlySet<string> = new Set(['www']);
const REGION_OF_DOMAIN: Readonly<Record<string, AmojoRegion>> = {
  'amocrm.ru': 'ru',
  'amocrm.com': 'com',
  'kommo.com': 'kommo',
};

/**
 * Reads an amoCRM / Kommo account address: `https://acme.amocrm.ru`, optionally with one trailing slash (the form
 * of the one-time token's `iss`). Anything else (http, a port, credentials, a path, a query) gives null.
 */
export function parseAccountOrigin(value: string): AccountOrigin | null {
  if (!value.startsWith('https://') || value.length > 300) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password || url.port || url.pathname !== '/' || url.search || url.hash) return null;
  // The URL parser forgives odd spellings (backslashes, tabs, upper case); only the canonical one is accepted.
  if (value !== url.origin && value !== `${url.origin}/`) return null;
  const match = ACCOUNT_HOST.exec(url.hostname);
  const subdomain = match?.[1];
  const region = match?.[2] === undefined ? undefined : REGION_OF_DOMAIN[match[2]];
  if (subdomain === undefined || region === undefined || NOT_ACCOUNTS.has(subdomain)) return null;
  return { origin: url.origin, subdomain, region };
}
