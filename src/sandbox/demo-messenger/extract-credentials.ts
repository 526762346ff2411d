/** What one paste held: the API key (`ck_…`) and the signing secret (`cs_…`), each when found once. */
export interface ExtractedCredentials {
  apiKey?: string;
  signingSecret?: string;
  /** Which of them appeared more than once with different values, so neither copy can be trusted. */
  ambiguous: ('apiKey' | 'signingSecret')[];
}

// A token starts where no base64url character precedes it: "cs_" inside a random key is not a secret.
const token = (prefix: string) => new RegExp(`(?<![A-Za-z0-9_-])${prefix}[A-Za-z0-9_-]{16,500}`, 'g');
const API_KEY = token('ck_');
const SIGNING_SECRET = token('cs_');

/**
 * Finds the link credentials in any pasted text by their prefixes (see issue-link-credentials.ts): the widget
 * panel's "Copy both" (`<api key>\n<signing secret>`), the two in either order, or amid labels, quotes or JSON.
 */
export function extractCredentials(text: string): ExtractedCredentials {
  const out: ExtractedCredentials = { ambiguous: [] };
  const pick = (pattern: RegExp, field: 'apiKey' | 'signingSecret') => {
    const [first, ...others] = new Set(text.match(pattern) ?? []);
    if (others.length > 0) out.ambiguous.push(field);
    else if (first !== undefined) out[field] = first;
  };
  pick(API_KEY, 'apiKey');
  pick(SIGNING_SECRET, 'signingSecret');
  return out;
}
