import { type AccountHost, parseAccountHost } from './account-hosts';

// A bare host, or an https origin, each with at most one trailing slash. Everything else a URL may carry (a path,
// a port, userinfo, a query, a fragment, another scheme) is left in the host part, where parseAccountHost refuses it.
const REFERER = /^(?:https:\/\/)?([^/]*)\/?$/i;

/**
 * The `referer` query of the Redirect URI: the account the code belongs to (crm-rest §1.3; its exact format is
 * docs-silent, so both `acme.amocrm.ru` and `https://acme.amocrm.ru/` are taken). This runs before the client secret
 * is posted to that host (§9.5), so it is strict: one account label under the three CRM domains, nothing more.
 */
export function parseReferer(value: string): AccountHost | null {
  const host = REFERER.exec(value)?.[1];
  return host === undefined ? null : parseAccountHost(host);
}
