import type { LinkPutRequest, LinkPutResponse } from '../../../contracts/link';
import { scopeConnectionOf } from '../../../relay/scope-connection-of';
import {
  confirmLink,
  findLinkByAccountId,
  findLinkByAmojoId,
  isReleasedAmojoId,
  listAccountLinks,
  updateLinkSettings,
  upsertLink,
} from '../../../store/links-repo';
import { normalizeAmojoId } from '../../../store/normalize-amojo-id';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { checkWebhookUrl } from './check-webhook-url';
import { connectAccount } from './connect-account';
import type { WidgetLinkContext } from './create-widget-link-context';
import { issueLinkCredentials } from './issue-link-credentials';
import { linkErrors } from './link-errors';
import { type LinkView, linkedStatusOf, linkStatusOf } from './link-status-of';
import { pendingLinkInput } from './pending-link-input';
import { queueSourceSync } from './queue-source-sync';
import { reconnectScope } from './reconnect-scope';

export interface PutLinkResult {
  httpStatus: 200 | 201;
  body: LinkPutResponse;
}

/**
 * PUT /api/widget/link, once requireLinkAdmin has proven the body's amojo id is the one amoCRM reports for the
 * token's account. Two store rules still stand, checked before amojo is called: an amojo id bound to another account
 * is never rebound (409 amojo_id_taken; only a claim made before installations were checked can hold one), and an
 * account already bound to one amojo id cannot switch to another (403 amojo_id_mismatch). amojo ids are compared in
 * lower case (the page may show either).
 */
export async function putLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  request: LinkPutRequest,
  view: LinkView,
): Promise<PutLinkResult> {
  const body = { ...request, amojo_id: normalizeAmojoId(request.amojo_id) };
  checkWebhookUrl(body.webhook_url, ctx.egress);
  const owner = await findLinkByAmojoId(ctx.db, body.amojo_id);
  if (owner && owner.accountId !== identity.accountId) throw linkErrors.amojoIdTaken(body.amojo_id);
  const existing = owner ?? (await findLinkByAccountId(ctx.db, identity.accountId));
  // A binding an operator released (npm run accounts -- release-amojo) is no binding: the account binds afresh.
  const bound = existing && !isReleasedAmojoId(existing.amojoId);
  if (bound && existing.amojoId !== body.amojo_id) throw linkErrors.amojoIdMismatch();

  if (existing?.scopeId && existing.bridgeKeyHash !== null && !existing.pending) {
    // A live link: its scope is known, so hooks are accepted while amojo reconnects it, and amojo is asked only when
    // it would see the change (reconnect-scope.ts).
    const settings = { title: body.title, timeWindowDisabled: body.time_window_disabled };
    const scopeId = (await reconnectScope(ctx, identity, existing, settings)) ?? existing.scopeId;
    if (existing.scopeId === scopeId) {
      const updated = await updateLinkSettings(
        ctx.db,
        identity.accountId,
        { ...settings, webhookUrl: body.webhook_url },
        ctx.now().getTime(),
      );
      // Not live only if an unlink won a race since the read above; the link is then made afresh below.
      const status = updated === undefined ? undefined : linkStatusOf(ctx.secretBox, updated, identity, view);
      if (updated !== undefined && status?.state === 'linked') {
        // Also when nothing changed: a Save from a widget that knows no sources is how its source gets repaired.
        await queueSourceSync(ctx, updated.id);
        return { httpStatus: 200, body: { created: false, status } };
      }
    }
  }

  // A first link, a re-link after unlinking or reinstalling, a link whose connect failed before, or (never seen in
  // practice) a scope id amojo changed: all get new credentials, shown once. The row is written, pending, before
  // amojo's connect, with the scope amojo is expected to answer: amojo may send hooks for the scope at once, and a
  // hook refused as an unknown scope is never resent. A failed connect leaves it pending, which the panel shows as
  // unlinked, and the next Save issues credentials again.
  const issued = issueLinkCredentials(ctx.randomBytes, ctx.secretBox, identity.accountId);
  const result = await upsertLink(
    ctx.db,
    pendingLinkInput(ctx, identity, body, issued, existing?.scopeId),
    ctx.now().getTime(),
    ctx.newId,
  );
  // A concurrent link of the same amojo id by another account won the race; amojo was not called.
  if (!result.ok)
    throw result.reason === 'amojo_id_taken' ? linkErrors.amojoIdTaken(body.amojo_id) : linkErrors.amojoIdMismatch();
  // The primary link's settings name the scope; the others still count for the time window.
  const others = await listAccountLinks(ctx.db, identity.accountId, { liveOnly: true });
  const connection = scopeConnectionOf(body.amojo_id, others, {
    id: result.link.id,
    title: body.title,
    timeWindowDisabled: body.time_window_disabled,
  });
  const scopeId = await connectAccount(ctx, identity, connection);
  const confirmed = await confirmLink(
    ctx.db,
    result.link.id,
    { scopeId, bridgeKeyHash: issued.bridgeKeyHash },
    ctx.now().getTime(),
  );
  // An unlink or another PUT replaced these credentials while amojo was connecting; theirs stand.
  if (!confirmed) throw linkErrors.notLinked();
  await queueSourceSync(ctx, confirmed.id);
  ctx.logger.info({ accountId: identity.accountId, linkId: confirmed.id }, 'account linked');
  return {
    httpStatus: 201,
    body: {
      created: true,
      status: linkedStatusOf(ctx.secretBox, confirmed, identity, view),
      credentials: issued.credentials,
    },
  };
}
