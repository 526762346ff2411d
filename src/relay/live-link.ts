import type { Link } from '../store/links-repo';
import type { LinkCache } from './create-link-cache';
import { RelayJobError } from './relay-job-error';

export type LiveLink = Link & { scopeId: string; webhookUrl: string; signingSecretEnc: string };

/**
 * The job's link while it is linked. An unlinked account has no scope at amojo and no messenger to deliver to, so
 * its jobs become dead letters: after a relink, `npm run replay -- --link <id>` sends them. A parked link's jobs wait.
 */
export async function liveLink(links: LinkCache, linkId: string): Promise<LiveLink> {
  let link = await links.get(linkId);
  // A copy up to a moment old may predate the install that unparked the link: parking on its word would strand
  // the job until the next install.
  if (link?.parkedAt != null) link = await links.fresh(linkId);
  if (!link?.scopeId || !link.webhookUrl || !link.signingSecretEnc) {
    throw new RelayJobError(link ? LINK_UNLINKED : 'link_missing', { retryable: false });
  }
  if (link.parkedAt !== null) throw new RelayJobError(LINK_PARKED, { retryable: true });
  return link as LiveLink;
}

/**
 * The link's installation was removed: the job goes back to the parked jobs, its attempt not counted, until an
 * install resumes them (run-claimed-job.ts).
 */
export const LINK_PARKED = 'link_parked';

/** The link exists but was unlinked: no scope of its own, no messenger to deliver to. */
export const LINK_UNLINKED = 'link_unlinked';
