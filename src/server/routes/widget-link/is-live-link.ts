import type { Link } from '../../../store/links-repo';

/** A live link keeps its scope, webhook URL and sealed secret until it is unlinked. */
export type LiveLink = Link & { scopeId: string; webhookUrl: string; signingSecretEnc: string };

/** Live: linked or being linked (pending); an unlinked row outlives its unlink without scope or credentials. */
export function isLiveLink(link: Link | undefined): link is LiveLink {
  return link !== undefined && link.scopeId !== null && link.webhookUrl !== null && link.signingSecretEnc !== null;
}
