import { AppError } from '../../../http/app-error';
import { markTokenSeen } from '../../../store/token-ids-repo';
import { type OneTimeTokenIdentity, verifyOneTimeToken } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * Verifies the request's X-Auth-Token and spends its jti. The jti row is kept until the token could no longer
 * pass the expiry check (exp plus the leeway), so a replay inside that window is always caught.
 */
export async function authenticateWidgetRequest(
  ctx: WidgetLinkContext,
  header: string | undefined,
): Promise<OneTimeTokenIdentity> {
  const identity = await verifyOneTimeToken(header, {
    ...ctx.token,
    now: ctx.now(),
    leewaySeconds: ctx.limits.tokenLeewaySeconds,
  });
  const fresh = await markTokenSeen(ctx.db, identity.jti, identity.expiresAt + ctx.limits.tokenLeewaySeconds * 1000);
  if (!fresh) throw new AppError('auth_replayed', 'This token was already used; each request needs a fresh one.');
  return identity;
}
