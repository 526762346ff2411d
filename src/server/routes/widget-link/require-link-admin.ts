import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import type { LinkView } from './link-status-of';

/**
 * The gate of every change to the link (PUT, DELETE, rotate, test), in this order: an active installation (409
 * account_not_installed), an admin caller (403 admin_required), and for PUT the amojo id amoCRM reports for the
 * account (403 amojo_id_mismatch). Nothing reaches amojo or the store before all of them pass. Returns the view the
 * answer's status carries: whoever passed is an admin of an active installation.
 */
export async function requireLinkAdmin(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  claim?: { amojoId: string },
): Promise<LinkView> {
  const installation = await ctx.guard.requireActive(identity);
  await ctx.guard.requireAdmin(identity);
  if (claim !== undefined) await ctx.guard.requireAmojoId(identity, installation, claim.amojoId);
  return { installation: { state: 'active' }, viewer: { user_id: identity.userId, is_admin: true } };
}
