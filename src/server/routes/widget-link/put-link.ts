import type { LinkPutRequest, LinkPutResponse } from '../../../contracts/link';
import { findLinkByAccountId, findLinkByAmojoId, updateLinkSettings, upsertLink } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { checkWebhookUrl } from './check-webhook-url';
import { connectAccount } from './connect-account';
import type { WidgetLinkContext } from './create-widget-link-context';
import { issueLinkCredentials } from './issue-link-credentials';
import { linkErrors } from './link-errors';
import { linkedStatusOf } from './link-status-of';

export interface PutLinkResult {
  httpStatus: 200 | 201;
  body: LinkPutResponse;
}

/**
 * PUT /api/widget/link. The account is the token's; the body only names the amojo id to bind it to. The server
 * cannot prove that amojo id belongs to the account (that needs the account's OAuth grant), so it enforces what it
 * can see: an amojo id bound to another account is never rebound (409 amojo_id_taken), and an account already bound
 * to one amojo id cannot switch to another (403 amojo_id_mismatch). Both are checked before amojo is called.
 */
export async function putLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  body: LinkPutRequest,
): Promise<PutLinkResult> {
  checkWebhookUrl(body.webhook_url, { sandbox: ctx.sandbox });
  const owner = await findLinkByAmojoId(ctx.db, body.amojo_id);
  if (owner && owner.accountId !== identity.accountId) throw linkErrors.amojoIdTaken();
  const existing = owner ?? (await findLinkByAccountId(ctx.db, identity.accountId));
  if (existing && existing.amojoId !== body.amojo_id) throw linkErrors.amojoIdMismatch();

  const scopeId = await connectAccount(ctx, identity, body);
  const now = ctx.now().getTime();

  if (existing?.scopeId === scopeId && existing.bridgeKeyHash !== null) {
    const updated = await updateLinkSettings(
      ctx.db,
      identity.accountId,
      { title: body.title, webhookUrl: body.webhook_url, timeWindowDisabled: body.time_window_disabled },
      now,
    );
    // undefined only if an unlink won a race since the read above; the link is then made afresh below.
    if (updated)
      return { httpStatus: 200, body: { created: false, status: linkedStatusOf(ctx.secretBox, updated, identity) } };
  }

  // A first link, a re-link after unlinking or reinstalling, or (never seen in practice) a scope id amojo changed:
  // all get new credentials, shown once.
  const issued = issueLinkCredentials(ctx.randomBytes, ctx.secretBox, identity.accountId);
  const result = await upsertLink(
    ctx.db,
    {
      accountId: identity.accountId,
      subdomain: identity.subdomain,
      region: identity.region,
      amojoId: body.amojo_id,
      scopeId,
      title: body.title,
      timeWindowDisabled: body.time_window_disabled,
      webhookUrl: body.webhook_url,
      bridgeKeyHash: issued.bridgeKeyHash,
      signingSecretEnc: issued.signingSecretEnc,
    },
    now,
    ctx.newId,
  );
  // A concurrent link of the same amojo id by another account won the race. amojo was connected meanwhile, but the
  // connection is the same scope the winner uses, so it is left alone rather than disconnected under the winner.
  if (!result.ok) throw result.reason === 'amojo_id_taken' ? linkErrors.amojoIdTaken() : linkErrors.amojoIdMismatch();
  ctx.logger.info({ accountId: identity.accountId, linkId: result.link.id }, 'account linked');
  return {
    httpStatus: 201,
    body: {
      created: true,
      status: linkedStatusOf(ctx.secretBox, result.link, identity),
      credentials: issued.credentials,
    },
  };
}
