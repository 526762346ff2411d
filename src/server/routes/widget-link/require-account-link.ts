import { findLinkById, type Link } from '../../../store/links-repo';
import type { WidgetLinkContext } from './create-widget-link-context';
import { isLiveLink, type LiveLink } from './is-live-link';
import { linkErrors } from './link-errors';

/**
 * What a link id can look like: ours are UUIDs (36 characters, the length amoCRM's source `external_id` allows), and
 * nothing longer or outside printable ASCII reaches the store, where PostgreSQL refuses a NUL in text with an error.
 */
const LINK_ID_SHAPE = /^[\x21-\x7e]{1,36}$/;

/**
 * The token's account's link with this id, or 404 link_not_found: for an id no link can have, an unknown id, another
 * account's link (the same answer, so ids cannot be probed across accounts) and, unless `unlinked` allows it, a link
 * already unlinked.
 */
export async function requireAccountLink(
  ctx: Pick<WidgetLinkContext, 'db'>,
  accountId: number,
  linkId: string,
): Promise<LiveLink>;
export async function requireAccountLink(
  ctx: Pick<WidgetLinkContext, 'db'>,
  accountId: number,
  linkId: string,
  options: { unlinked: true },
): Promise<Link>;
export async function requireAccountLink(
  ctx: Pick<WidgetLinkContext, 'db'>,
  accountId: number,
  linkId: string,
  options: { unlinked?: boolean } = {},
): Promise<Link> {
  if (!LINK_ID_SHAPE.test(linkId)) throw linkErrors.linkNotFound();
  const link = await findLinkById(ctx.db, linkId);
  if (link === undefined || link.accountId !== accountId) throw linkErrors.linkNotFound();
  if (!options.unlinked && !isLiveLink(link)) throw linkErrors.linkNotFound();
  return link;
}
