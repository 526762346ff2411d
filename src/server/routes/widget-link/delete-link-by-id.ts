import type { LinkRemovedResponse } from '../../../contracts/link';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { requireAccountLink } from './require-account-link';
import { unlinkLink } from './unlink-link';

/**
 * DELETE /api/widget/links/{id}: unlinks the number and removes its amoCRM source (queued). Repeatable: a number of
 * the account that is already unlinked answers the same 200; an id the account never had is 404.
 */
export async function deleteLinkById(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  linkId: string,
): Promise<LinkRemovedResponse> {
  const link = await requireAccountLink(ctx, identity.accountId, linkId, { unlinked: true });
  await unlinkLink(ctx, identity, link);
  return { id: link.id, removed: true };
}
