import { type AccountDomain, parseAccountHost } from '../../amocrm/account-hosts';
import type { AmojoRegion } from '../../amojo/amojo-hosts';

export interface AccountOrigin {
  /** `https://<subdomain>.<domain>`, lower case, without a path. */
  origin: string;
  subdomain: string;
  domain: AccountDomain;
  region: AmojoRegion;
}

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
  // An origin names the host exactly as the browser sent it: the root's trailing dot makes it another origin.
  const host = url.hostname.endsWith('.') ? null : parseAccountHost(url.hostname);
  if (host === null) return null;
  return { origin: url.origin, subdomain: host.subdomain, domain: host.domain, region: host.region };
}
