import type { LinkTestResponse } from '../../../contracts/link';
import { EgressRefusedError } from '../../../egress/egress-refused-error';
import { AppError } from '../../../http/app-error';
import type { Link } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { linkErrors } from './link-errors';
import { openLinkSecrets } from './link-secrets';
import { sendTestEvent } from './send-test-event';

/**
 * POST /api/widget/links/{id}/test and the deprecated /api/widget/link/test (the primary link): one signed test event
 * to the link's webhook URL, throttled per account. A link not linked (or not yet) is 404 `notLinked`.
 */
export async function testLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  link: Link | undefined,
  notLinked: () => Error = linkErrors.notLinked,
): Promise<LinkTestResponse> {
  if (!link?.scopeId || link.pending || link.webhookUrl === null || link.signingSecretEnc === null) {
    throw notLinked();
  }
  await ctx.testThrottle.take(identity.accountId);
  const { signingSecret } = openLinkSecrets(ctx.secretBox, {
    accountId: link.accountId,
    signingSecretEnc: link.signingSecretEnc,
  });
  const result = await sendTestEvent({
    fetch: ctx.fetch,
    url: link.webhookUrl,
    signingSecret,
    eventId: `test_${ctx.newId()}`,
    now: ctx.now(),
    timeoutMs: ctx.limits.testTimeoutMs,
  }).catch((error: unknown) => {
    // No status, no duration: which names and ports answer behind the policy is not the admin's to learn.
    if (!(error instanceof EgressRefusedError)) throw error;
    const message = 'was refused by the egress policy';
    throw new AppError('webhook_url_not_allowed', `The webhook URL ${message}.`, {
      issues: [{ path: 'webhook_url', message }],
    });
  });
  ctx.logger.info(
    { accountId: identity.accountId, linkId: link.id, eventId: result.event_id, outcome: result.outcome },
    'test event',
  );
  return result;
}
