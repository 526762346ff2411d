import { errorCodeOf } from '../../../observability/error-code-of';
import type { ScopeConnection } from '../../../relay/scope-connection-of';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { channelErrorOf } from './channel-error-of';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * amojo connect for the token's account. It is idempotent at amojo (same account, same scope) and carries the
 * scope's title and time-window flag (src/relay/scope-connection-of.ts), so it runs on every new link and re-link,
 * and on an update when either of those changes or the account's links are parked (reconnect-scope.ts). Returns the
 * scope id.
 */
export async function connectAccount(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  body: ScopeConnection,
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
