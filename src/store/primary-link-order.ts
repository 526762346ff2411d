import { sql } from 'kysely';

/**
 * The first sort key of an account's links: live ones (with a scope) before unlinked ones. Followed by created_at and
 * id, the first link in that order is the account's PRIMARY link, the one the deprecated single-link API and amojo's
 * connect title use. Spelt against the `links` table name, so use it only where `links` is not aliased.
 */
export const primaryLinkOrder = sql<number>`case when links.scope_id is null then 1 else 0 end`;
