import type { LinkPutRequest } from '../../../contracts/link';
import type { LinkInput } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { expectedScopeId } from './expected-scope-id';
import type { IssuedLinkCredentials } from './issue-link-credentials';

/**
 * A link as it is written before amojo's connect: pending, with fresh credentials and the scope amojo is expected to
 * answer (or, without a configured channel id, the one the account's links already have), so hooks amojo sends at
 * once are accepted; a hook refused as an unknown scope is never resent. The account comes from the token.
 */
export function pendingLinkInput(
  ctx: Pick<WidgetLinkContext, 'channelId'>,
  identity: OneTimeTokenIdentity,
  body: Pick<LinkPutRequest, 'amojo_id' | 'title' | 'webhook_url' | 'time_window_disabled'>,
  issued: IssuedLinkCredentials,
  knownScopeId: string | null | undefined,
): LinkInput {
  return {
    accountId: identity.accountId,
    subdomain: identity.subdomain,
    region: identity.region,
    amojoId: body.amojo_id,
    scopeId: expectedScopeId(ctx.channelId, body.amojo_id) ?? knownScopeId ?? null,
    title: body.title,
    timeWindowDisabled: body.time_window_disabled,
    webhookUrl: body.webhook_url,
    bridgeKeyHash: issued.bridgeKeyHash,
    signingSecretEnc: issued.signingSecretEnc,
    pending: true,
  };
}
