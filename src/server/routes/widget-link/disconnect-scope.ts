import { AmojoError } from '../../../amojo/amojo-error';
import { errorCodeOf } from '../../../observability/error-code-of';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { channelErrorOf } from './channel-error-of';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * amojo disconnect of the account's scope. amojo's 404 means it holds no such connection any more, which is the goal,
 * so it counts as success; any other failure is the widget's channel_rejected or channel_unavailable.
 */
export async function disconnectScope(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  amojoId: string,
): Promise<void> {
  try {
    await ctx
      .amojoFor(identity.region)
      .disconnect({ account_id: amojoId }, { retry: false, timeoutMs: ctx.limits.amojoTimeoutMs });
  } catch (error) {
    if (error instanceof AmojoError && error.code === 'not_found') return;
    ctx.logger.warn({ accountId: identity.accountId, code: errorCodeOf(error) }, 'amojo disconnect failed');
    throw channelErrorOf(error);
  }
}
