import type { LinkIssuedResponse } from '../../../contracts/link';
import { rotateLinkCredentialsById } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import type { WidgetLinkContext } from './create-widget-link-context';
import { isLiveLink } from './is-live-link';
import { issueLinkCredentials } from './issue-link-credentials';
import { linkErrors } from './link-errors';
import { readLinkItem } from './read-link-item';
import { requireAccountLink } from './require-account-link';

/** POST /api/widget/links/{id}/rotate: a new key and secret replace the number's pair in one update. */
export async function rotateLinkById(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  linkId: string,
): Promise<LinkIssuedResponse> {
  await requireAccountLink(ctx, identity.accountId, linkId);
  const issued = issueLinkCredentials(ctx.randomBytes, ctx.secretBox, identity.accountId);
  const link = await rotateLinkCredentialsById(
    ctx.db,
    linkId,
    { bridgeKeyHash: issued.bridgeKeyHash, signingSecretEnc: issued.signingSecretEnc },
    ctx.now().getTime(),
  );
  // An unlink came in between: it stands, as if it had come first.
  if (!isLiveLink(link)) throw linkErrors.linkNotFound();
  ctx.logger.info({ accountId: identity.accountId, linkId }, 'link credentials rotated');
  return { link: await readLinkItem(ctx, link), credentials: issued.credentials };
}
