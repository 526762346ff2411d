import { AmojoError } from '../../../amojo/amojo-error';
import type { LinkDeleteResponse } from '../../../contracts/link';
import { errorCodeOf } from '../../../observability/error-code-of';
import { findLinkByAccountId, unlinkAccount } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { channelErrorOf } from './channel-error-of';
import type { WidgetLinkContext } from './create-widget-link-context';
import { type LinkView, unlinkedStatusOf } from './link-status-of';

/**
 * DELETE /api/widget/link: amojo disconnect first, then the credentials are purged. If amojo cannot be reached the
 * link stays as it was (503), so the admin can retry and nothing half-done is left. amojo's 404 means it holds no
 * such connection any more, which is the goal, so it counts as success. An account without a live link gets 200.
 */
export async function deleteLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  view: LinkView,
): Promise<LinkDeleteResponse> {
  const link = await findLinkByAccountId(ctx.db, identity.accountId);
  if (link?.scopeId) {
    try {
      await ctx
        .amojoFor(identity.region)
        .disconnect({ account_id: link.amojoId }, { retry: false, timeoutMs: ctx.limits.amojoTimeoutMs });
    } catch (error) {
      if (!(error instanceof AmojoError && error.code === 'not_found')) {
        ctx.logger.warn({ accountId: identity.accountId, code: errorCodeOf(error) }, 'amojo disconnect failed');
        throw channelErrorOf(error);
      }
    }
    await unlinkAccount(ctx.db, identity.accountId, ctx.now().getTime());
    ctx.logger.info({ accountId: identity.accountId, linkId: link.id }, 'account unlinked');
  }
  return { status: unlinkedStatusOf(identity, view) };
}
