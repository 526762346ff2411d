import type { Link } from '../store/links-repo';
import type { LinkCache } from './create-link-cache';
import { RelayJobError } from './relay-job-error';

export type LiveLink = Link & { scopeId: string; webhookUrl: string; signingSecretEnc: string };

/**
 * The job's link while it is linked. An unlinked account has no scope at amojo and no messenger to deliver to, so
 * its jobs become dead letters: after a relink, `npm run replay -- --link <id>` sends them.
 */
export async function liveLink(links: LinkCache, linkId: string): Promise<LiveLink> {
  const link = await links.get(linkId);
  if (!link?.scopeId || !link.webhookUrl || !link.signingSecretEnc) {
    throw new RelayJobError(link ? 'link_unlinked' : 'link_missing', { retryable: false });
  }
  return link as LiveLink;
}
