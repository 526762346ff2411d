import { type LinkCreateRequest, type LinkIssuedResponse, maxLinksPerAccount } from '../../../contracts/link';
import { scopeConnectionOf } from '../../../relay/scope-connection-of';
import { confirmLink, createLink, listAccountLinks, unlinkLinkById } from '../../../store/links-repo';
import { normalizeAmojoId } from '../../../store/normalize-amojo-id';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { checkWebhookUrl } from './check-webhook-url';
import { connectAccount } from './connect-account';
import type { WidgetLinkContext } from './create-widget-link-context';
import { isLiveLink } from './is-live-link';
import { issueLinkCredentials } from './issue-link-credentials';
import { linkErrors } from './link-errors';
import { linkItemOf } from './link-item-of';
import { pendingLinkInput } from './pending-link-input';
import { queueSourceSync } from './queue-source-sync';
import { requirePipeline } from './require-pipeline';

/**
 * POST /api/widget/links, once requireLinkAdmin has proven the body's amojo id: a new number with its own
 * credentials, shown once. Everything that can refuse it is checked before amojo is called: the webhook URL policy
 * (422), the account's 100 live links (409), the pipeline (422), and in the store the amojo id rules of PUT /link
 * (409 amojo_id_taken, 403 amojo_id_mismatch) with the limit again, atomically. The row is written pending with the
 * account's scope before amojo's connect (hooks may come at once), the connect is idempotent and carries the scope's
 * settings as all live links make them, and the new number's amoCRM source is queued once it is confirmed.
 */
export async function postLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  request: LinkCreateRequest,
): Promise<LinkIssuedResponse> {
  const amojoId = normalizeAmojoId(request.amojo_id);
  checkWebhookUrl(request.webhook_url, ctx.egress);
  const live = await listAccountLinks(ctx.db, identity.accountId, { liveOnly: true });
  if (live.length >= maxLinksPerAccount) throw linkErrors.linkLimitReached(maxLinksPerAccount);
  await requirePipeline(ctx, identity, request.pipeline_id);

  const issued = issueLinkCredentials(ctx.randomBytes, ctx.secretBox, identity.accountId);
  const result = await createLink(
    ctx.db,
    {
      ...pendingLinkInput(ctx, identity, { ...request, amojo_id: amojoId }, issued, live[0]?.scopeId),
      pipelineId: request.pipeline_id,
    },
    ctx.now().getTime(),
    ctx.newId,
  );
  if (!result.ok) {
    if (result.reason === 'amojo_id_taken') throw linkErrors.amojoIdTaken(amojoId);
    if (result.reason === 'link_limit_reached') throw linkErrors.linkLimitReached(maxLinksPerAccount);
    throw linkErrors.amojoIdMismatch();
  }
  const created = result.link;

  let scopeId: string;
  try {
    scopeId = await connectAccount(ctx, identity, scopeConnectionOf(amojoId, live, created));
  } catch (error) {
    // A number whose connect failed was never shown to the admin: it goes, instead of taking one of the 100 places.
    await unlinkLinkById(ctx.db, created.id, ctx.now().getTime());
    throw error;
  }
  const confirmed = await confirmLink(
    ctx.db,
    created.id,
    { scopeId, bridgeKeyHash: issued.bridgeKeyHash },
    ctx.now().getTime(),
  );
  // An unlink or a rotation of the new number won the race while amojo was connecting; it stands.
  if (!isLiveLink(confirmed)) throw linkErrors.linkNotFound();
  await queueSourceSync(ctx, confirmed.id);
  ctx.logger.info({ accountId: identity.accountId, linkId: confirmed.id }, 'number linked');
  return { link: linkItemOf(ctx.secretBox, confirmed, { is_admin: true }), credentials: issued.credentials };
}
