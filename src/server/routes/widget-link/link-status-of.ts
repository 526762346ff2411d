import type { LinkedStatus, UnlinkedStatus } from '../../../contracts/link';
import type { Link } from '../../../store/links-repo';
import type { SecretBox } from '../../../store/secret-box';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { openLinkSecrets } from './link-secrets';

type Account = Pick<OneTimeTokenIdentity, 'accountId' | 'subdomain'>;

export function unlinkedStatusOf(identity: Account): UnlinkedStatus {
  return { state: 'unlinked', account: { id: identity.accountId, subdomain: identity.subdomain } };
}

/**
 * The status the widget shows; the account comes from the verified token, never from the stored row. A pending link
 * (its connect has not answered, or failed) shows as unlinked: the admin never saw its key.
 */
export function linkStatusOf(box: SecretBox, link: Link | undefined, identity: Account): LinkedStatus | UnlinkedStatus {
  if (
    link === undefined ||
    link.pending ||
    link.scopeId === null ||
    link.webhookUrl === null ||
    link.signingSecretEnc === null
  ) {
    return unlinkedStatusOf(identity);
  }
  return {
    state: 'linked',
    account: { id: identity.accountId, subdomain: identity.subdomain },
    amojo_id: link.amojoId,
    title: link.title,
    webhook_url: link.webhookUrl,
    time_window_disabled: link.timeWindowDisabled,
    api_key_hint: openLinkSecrets(box, { accountId: link.accountId, signingSecretEnc: link.signingSecretEnc })
      .apiKeyHint,
    // The row outlives an unlink, so its createdAt is the first link's; linkedAt is set again by every (re)link.
    created_at: new Date(link.linkedAt ?? link.createdAt).toISOString(),
    updated_at: new Date(link.updatedAt).toISOString(),
  };
}

/** linkStatusOf for a link known to be live (just linked, updated or rotated). */
export function linkedStatusOf(box: SecretBox, link: Link, identity: Account): LinkedStatus {
  const status = linkStatusOf(box, link, identity);
  if (status.state !== 'linked') throw new Error('link is not live');
  return status;
}
