/** What the search looks at of a contact: its name and its PHONE and EMAIL values. */
export interface SearchableContact {
  readonly name: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
}

/** A query that is only a phone number's characters is searched as digits. */
const PHONE_LIKE = /^[\d\s()+.-]+$/;

/**
 * `GET /api/v4/contacts?query=` as the emulator reads it (crm-rest §5.4: amoCRM's matching rules are docs-silent).
 * Case-insensitive substring of the name or of an e-mail; a phone-like query matches a phone whose digits contain
 * the query's digits, so `+7 (912) 100-00-00` and `79121000000` find each other. No trunk-prefix magic: `8 912…` does
 * not find `+7 912…`, and a short query finds every phone containing it. Searches that return too much are the strict
 * choice: the caller must check each hit before trusting it.
 */
export function contactMatchesQuery(contact: SearchableContact, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return false;
  if (contact.name.toLowerCase().includes(needle)) return true;
  if (contact.emails.some((email) => email.toLowerCase().includes(needle))) return true;
  if (contact.phones.some((phone) => phone.toLowerCase().includes(needle))) return true;
  const digits = needle.replace(/\D/g, '');
  if (!PHONE_LIKE.test(needle) || digits === '') return false;
  return contact.phones.some((phone) => phone.replace(/\D/g, '').includes(digits));
}
