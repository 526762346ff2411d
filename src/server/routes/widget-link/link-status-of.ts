import type { LinkedStatus, LinkInstallation, LinkViewer, UnlinkedStatus } from '../../../contracts/link';
import type { DeliveryBreaker } from '../../../store/delivery-breaker-repo';
import type { Link } from '../../../store/links-repo';
import type { SecretBox } from '../../../store/secret-box';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { deliveryOf } from './delivery-of';
import { openLinkSecrets } from './link-secrets';

type Account = Pick<OneTimeTokenIdentity, 'accountId' | 'subdomain'>;

/** What the status says about the account's installation and about who is looking (see link-view-of.ts). */
export interface LinkView {
  installation: LinkInstallation;
  viewer: LinkViewer;
}

export function unlinkedStatusOf(identity: Account, view: LinkView): UnlinkedStatus {
  return {
    state: 'unlinked',
    account: { id: identity.accountId, subdomain: identity.subdomain },
    installation: view.installation,
    viewer: view.viewer,
  };
}

/**
 * The status the widget shows; the account comes from the verified token, never from the stored row. A pending link
 * (its connect has not answered, or failed) shows as unlinked: the admin never saw its key. `connected` is true while
 * the scope can carry messages: until a removal parks the link (a lapsed grant stops changes, not messages). The webhook
 * URL tells where the messenger lives, so only admins see it. `delivery` tells everyone that deliveries to the
 * messenger fail: it is there while the link's breaker (`breaker`, the stored row) counts a streak of failures, and
 * left out otherwise, so a healthy link's status reads as it always did.
 */
export function linkStatusOf(
  box: SecretBox,
  link: Link | undefined,
  identity: Account,
  view: LinkView,
  breaker?: DeliveryBreaker | undefined,
): LinkedStatus | UnlinkedStatus {
  if (
    link === undefined ||
    link.pending ||
    link.scopeId === null ||
    link.webhookUrl === null ||
    link.signingSecretEnc === null
  ) {
    return unlinkedStatusOf(identity, view);
  }
  return {
    state: 'linked',
    account: { id: identity.accountId, subdomain: identity.subdomain },
    installation: view.installation,
    viewer: view.viewer,
    connected: link.parkedAt === null,
    amojo_id: link.amojoId,
    title: link.title,
    ...(view.viewer.is_admin ? { webhook_url: link.webhookUrl } : {}),
    time_window_disabled: link.timeWindowDisabled,
    ...deliveryOf(breaker, link.webhookUrl),
    api_key_hint: openLinkSecrets(box, { accountId: link.accountId, signingSecretEnc: link.signingSecretEnc })
      .apiKeyHint,
    // The row outlives an unlink, so its createdAt is the first link's; linkedAt is set again by every (re)link.
    created_at: new Date(link.linkedAt ?? link.createdAt).toISOString(),
    updated_at: new Date(link.updatedAt).toISOString(),
  };
}

/** linkStatusOf for a link known to be live (just linked, updated or rotated). */
export function linkedStatusOf(box: SecretBox, link: Link, identity: Account, view: LinkView): LinkedStatus {
  const status = linkStatusOf(box, link, identity, view);
  if (status.state !== 'linked') throw new Error('link is not live');
  return status;
}
