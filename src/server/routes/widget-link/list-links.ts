import { type LinkListResponse, maxLinksPerAccount } from '../../../contracts/link';
import { isReleasedAmojoId, listAccountLinks } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { isLiveLink } from './is-live-link';
import { linkViewOf } from './link-view-of';
import { readLinkItem } from './read-link-item';

/**
 * GET /api/widget/links: the account's live numbers, oldest (the primary) first, for any user of the account. The
 * account and the viewer come from the token and the installation, never from a stored row.
 */
export async function listLinks(ctx: WidgetLinkContext, identity: OneTimeTokenIdentity): Promise<LinkListResponse> {
  const [links, view] = await Promise.all([listAccountLinks(ctx.db, identity.accountId), linkViewOf(ctx, identity)]);
  // Every link of an account carries the account's one binding; a released one binds nothing.
  const amojoId = links[0]?.amojoId;
  return {
    account: { id: identity.accountId, subdomain: identity.subdomain },
    installation: view.installation,
    viewer: view.viewer,
    ...(amojoId === undefined || isReleasedAmojoId(amojoId) ? {} : { amojo_id: amojoId }),
    links: await Promise.all(links.filter(isLiveLink).map((link) => readLinkItem(ctx, link, view.viewer))),
    limit: maxLinksPerAccount,
  };
}
