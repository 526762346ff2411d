import type { LinkDeleteResponse } from '../../../contracts/link';
import { findLinkByAccountId } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { type LinkView, unlinkedStatusOf } from './link-status-of';
import { unlinkLink } from './unlink-link';

/**
 * DELETE /api/widget/link (deprecated): unlinks the account's primary link as DELETE /api/widget/links/{id} does.
 * An account without a live link gets 200.
 */
export async function deleteLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  view: LinkView,
): Promise<LinkDeleteResponse> {
  const link = await findLinkByAccountId(ctx.db, identity.accountId);
  if (link !== undefined) await unlinkLink(ctx, identity, link);
  return { status: unlinkedStatusOf(identity, view) };
}
