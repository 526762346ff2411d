import type { ApiCall } from './api-call';
import { buildContactBody } from './build-contact-body';
import { contactMatchesQuery } from './contact-matches-query';
import { halResponse } from './hal-response';
import { noContent } from './no-content';
import { problemResponse } from './problem-response';
import { validationProblem } from './validation-problem';

/** crm-rest §5.4 / §7: contacts come at most 250 a page; 50 when `limit` is not given. */
export const CONTACTS_MAX_LIMIT = 250;
const CONTACTS_DEFAULT_LIMIT = 50;

/**
 * `GET /api/v4/contacts` (crm-rest §5.4): `query` over name, PHONE and EMAIL (contact-matches-query.ts; an empty
 * `query` lists everything, as no query does), `limit` 1-250 (400 outside), `page` from 1, ordered by id. A manager's
 * token sees only the contacts they are responsible for ("results follow user rights"). Nothing on the page: 204.
 */
export function handleContactsRequest(call: ApiCall): Response {
  if (call.request.method !== 'GET') return problemResponse(405, 'Method not allowed', { reason: 'method' });
  const params = call.url.searchParams;
  const limit = intParam(params.get('limit'), CONTACTS_DEFAULT_LIMIT);
  const page = intParam(params.get('page'), 1);
  const errors = [
    ...(limit === undefined || limit < 1 || limit > CONTACTS_MAX_LIMIT
      ? [{ code: 'InvalidValue', path: 'limit', detail: `limit must be an integer from 1 to ${CONTACTS_MAX_LIMIT}` }]
      : []),
    ...(page === undefined || page < 1
      ? [{ code: 'InvalidValue', path: 'page', detail: 'page must be a positive integer' }]
      : []),
  ];
  if (errors.length > 0 || limit === undefined || page === undefined) {
    return validationProblem([{ requestId: '0', errors }], 'invalid_query');
  }
  const query = params.get('query') ?? '';
  const visible = call.ctx.crm
    .contacts(call.account.id)
    .filter((contact) => call.caller.isAdmin || contact.responsibleUserId === call.caller.id)
    .filter((contact) => query.trim() === '' || contactMatchesQuery(contact, query))
    .sort((a, b) => a.id - b.id);
  const onPage = visible.slice((page - 1) * limit, page * limit);
  if (onPage.length === 0) return noContent();
  const pageUrl = (n: number) => {
    const url = new URL(`${call.origin}/api/v4/contacts`);
    if (query !== '') url.searchParams.set('query', query);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  return halResponse({
    _page: page,
    _links: {
      self: { href: pageUrl(page) },
      ...(visible.length > page * limit ? { next: { href: pageUrl(page + 1) } } : {}),
    },
    _embedded: { contacts: onPage.map((contact) => buildContactBody(call.origin, contact)) },
  });
}

/** An absent parameter is the default; one that is not a plain integer is undefined (refused). */
function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
