import type { LinkPutRequest } from '../../../contracts/link';
import { errorCodeOf } from '../../../observability/error-code-of';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { channelErrorOf } from './channel-error-of';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * amojo connect for the token's account. It is idempotent at amojo (same account, same scope) and carries the
 * title and time-window flag, so it runs on every link and re-link, and on an update of a live link when either of
 * those changed or the link is parked (put-link.ts). Returns the scope id.
 */
export async function connectAccount(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  body: LinkPutRequest,
): Promise<string> {
  try {
    const connected = await ctx.amojoFor(identity.region).connect(
      {
        account_id: body.amojo_id,
        title: body.title,
        hook_api_version: 'v2',
        is_time_window_disabled: body.time_window_disabled,
      },
      { retry: false, timeoutMs: ctx.limits.amojoTimeoutMs },
    );
    return connected.scope_id;
  } catch (error) {
    ctx.logger.warn({ accountId: identity.accountId, code: errorCodeOf(error) }, 'amojo connect failed');
    throw channelErrorOf(error);
  }
}
