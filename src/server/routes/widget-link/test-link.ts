import type { LinkTestResponse } from '../../../contracts/link';
import { EgressRefusedError } from '../../../egress/egress-refused-error';
import { AppError } from '../../../http/app-error';
import { findLinkByAccountId } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { linkErrors } from './link-errors';
import { openLinkSecrets } from './link-secrets';
import { sendTestEvent } from './send-test-event';

/** POST /api/widget/link/test: one signed test event to the webhook URL, throttled per account. */
export async function testLink(ctx: WidgetLinkContext, identity: OneTimeTokenIdentity): Promise<LinkTestResponse> {
  const link = await findLinkByAccountId(ctx.db, identity.accountId);
  if (!link?.scopeId || link.pending || link.webhookUrl === null || link.signingSecretEnc === null) {
    throw linkErrors.notLinked();
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
  ctx.logger.info({ accountId: identity.accountId, eventId: result.event_id, outcome: result.outcome }, 'test event');
  return result;
}
