import { AppError } from '../../../http/app-error';
import { installOrderingKey } from '../../../jobs/ordering-keys';
import { hasLiveJob } from '../../../store/has-live-job';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import type { LinkView } from './link-status-of';

/**
 * GET's view of the installation and the caller. Anyone of the account may look; only an active installation can
 * answer "is this an admin", so any other state shows a non-admin. A grant amoCRM refuses while being asked shows
 * as needs_reauthorization with the grant URL, so the panel can offer the popup instead of an error.
 */
export async function linkViewOf(ctx: WidgetLinkContext, identity: OneTimeTokenIdentity): Promise<LinkView> {
  const { installation } = await installationAfterInstallInFlight(ctx, identity);
  const viewer = (isAdmin: boolean) => ({ user_id: identity.userId, is_admin: isAdmin });
  if (installation.state !== 'active') return { installation, viewer: viewer(false) };
  try {
    return { installation, viewer: viewer(await ctx.guard.isAdmin(identity)) };
  } catch (error) {
    // amoCRM unreachable (or our queue for it full): GET stays open; the caller is shown as no admin for now.
    if (error instanceof AppError && error.code === 'channel_unavailable')
      return { installation, viewer: viewer(false) };
    if (!(error instanceof AppError && error.code === 'account_not_installed')) throw error;
    const refused = { state: 'needs_reauthorization' as const, grant_url: error.grantUrl };
    return { installation: refused, viewer: viewer(false) };
  }
}

/**
 * The installation, waiting a moment first when amoCRM's install webhook for this account is still being exchanged:
 * the widget opens its settings right after Install, and "Grant access" would be the wrong thing to show while the
 * code is on its way (the redirect answers at once and a worker exchanges it). At most `installWaitMs`.
 */
async function installationAfterInstallInFlight(ctx: WidgetLinkContext, identity: OneTimeTokenIdentity) {
  const view = await ctx.guard.installationOf(identity);
  if (view.installation.state === 'active') return view;
  const key = installOrderingKey(`${identity.subdomain}.${identity.domain}`);
  const deadline = performance.now() + ctx.limits.installWaitMs;
  while (performance.now() < deadline && (await hasLiveJob(ctx.db, key))) {
    await new Promise((resolve) => setTimeout(resolve, INSTALL_POLL_MS));
  }
  return ctx.guard.installationOf(identity);
}

const INSTALL_POLL_MS = 100;
