import type { LinkItemResponse, LinkUpdateRequest } from '../../../contracts/link';
import { updateLinkById } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { checkWebhookUrl } from './check-webhook-url';
import type { WidgetLinkContext } from './create-widget-link-context';
import { isLiveLink } from './is-live-link';
import { linkErrors } from './link-errors';
import { queueSourceSync } from './queue-source-sync';
import { readLinkItem } from './read-link-item';
import { reconnectScope } from './reconnect-scope';
import { requireAccountLink } from './require-account-link';
import { requirePipeline } from './require-pipeline';

/**
 * PUT /api/widget/links/{id}: every setting of a live number; its credentials stay. amojo is connected again first
 * when the scope's title or time-window flag moves (reconnect-scope.ts), so a refusal there leaves the number as it
 * was. The amoCRM source is synced when its name (the title) or pipeline changed, or when amoCRM refused it before:
 * a Save is how an admin retries a failed source.
 */
export async function putLinkById(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  linkId: string,
  request: LinkUpdateRequest,
): Promise<LinkItemResponse> {
  const link = await requireAccountLink(ctx, identity.accountId, linkId);
  checkWebhookUrl(request.webhook_url, ctx.egress);
  if (request.pipeline_id !== link.pipelineId) await requirePipeline(ctx, identity, request.pipeline_id);
  const settings = {
    title: request.title,
    webhookUrl: request.webhook_url,
    timeWindowDisabled: request.time_window_disabled,
    pipelineId: request.pipeline_id,
  };
  await reconnectScope(ctx, identity, link, settings);
  const updated = await updateLinkById(ctx.db, linkId, settings, ctx.now().getTime());
  // Unlinked since the read above: the unlink stands.
  if (!isLiveLink(updated)) throw linkErrors.linkNotFound();
  if (link.title !== updated.title || link.pipelineId !== updated.pipelineId || link.sourceState === 'failed') {
    await queueSourceSync(ctx, linkId);
  }
  return { link: await readLinkItem(ctx, updated) };
}
