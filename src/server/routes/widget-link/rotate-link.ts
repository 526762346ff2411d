import type { LinkRotateResponse } from '../../../contracts/link';
import { rotateLinkCredentials } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { issueLinkCredentials } from './issue-link-credentials';
import { linkErrors } from './link-errors';
import { type LinkView, linkStatusOf } from './link-status-of';

/** POST /api/widget/link/rotate: a new key and secret replace the old pair in one update, so the old key dies at once. */
export async function rotateLink(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  view: LinkView,
): Promise<LinkRotateResponse> {
  const issued = issueLinkCredentials(ctx.randomBytes, ctx.secretBox, identity.accountId);
  const link = await rotateLinkCredentials(
    ctx.db,
    identity.accountId,
    { bridgeKeyHash: issued.bridgeKeyHash, signingSecretEnc: issued.signingSecretEnc },
    ctx.now().getTime(),
  );
  const status = link === undefined ? undefined : linkStatusOf(ctx.secretBox, link, identity, view);
  // No live link, or an unlink emptied it right after the rotation: the unlink stands, as if it had come first.
  if (link === undefined || status?.state !== 'linked') throw linkErrors.notLinked();
  ctx.logger.info({ accountId: identity.accountId, linkId: link.id }, 'link credentials rotated');
  return { status, credentials: issued.credentials };
}
