import type { LinkItemResponse } from '../../../contracts/link';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { linkViewOf } from './link-view-of';
import { readLinkItem } from './read-link-item';
import { requireAccountLink } from './require-account-link';

/** GET /api/widget/links/{id}: one live number of the token's account, for any of its users. */
export async function getLinkById(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  linkId: string,
): Promise<LinkItemResponse> {
  const link = await requireAccountLink(ctx, identity.accountId, linkId);
  const { viewer } = await linkViewOf(ctx, identity);
  return { link: await readLinkItem(ctx, link, viewer) };
}
