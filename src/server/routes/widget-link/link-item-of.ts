import type { LinkItem } from '../../../contracts/link';
import type { DeliveryBreaker } from '../../../store/delivery-breaker-repo';
import type { SecretBox } from '../../../store/secret-box';
import { deliveryOf } from './delivery-of';
import type { LiveLink } from './is-live-link';
import { openLinkSecrets } from './link-secrets';

/**
 * One number as the collection shows it. `connected` is false while amojo's connect has not answered for it (pending)
 * or the installation is removed (parked). The webhook URL tells where the messenger lives, so only admins see it.
 */
export function linkItemOf(
  box: SecretBox,
  link: LiveLink,
  viewer: { is_admin: boolean },
  breaker?: DeliveryBreaker | undefined,
): LinkItem {
  return {
    id: link.id,
    title: link.title,
    ...(viewer.is_admin ? { webhook_url: link.webhookUrl } : {}),
    time_window_disabled: link.timeWindowDisabled,
    pipeline_id: link.pipelineId,
    source: {
      state: link.sourceState,
      ...(link.sourceId === null ? {} : { id: link.sourceId }),
      ...(link.sourceError === null ? {} : { error: link.sourceError }),
    },
    api_key_hint: openLinkSecrets(box, { accountId: link.accountId, signingSecretEnc: link.signingSecretEnc })
      .apiKeyHint,
    connected: !link.pending && link.parkedAt === null,
    ...deliveryOf(breaker, link.webhookUrl),
    // A migrated first link's row may predate its latest (re)link; linkedAt is when this number was linked.
    created_at: new Date(link.linkedAt ?? link.createdAt).toISOString(),
    updated_at: new Date(link.updatedAt).toISOString(),
  };
}
