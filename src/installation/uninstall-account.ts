import type { Kysely } from 'kysely';
import { disconnectLinkJob } from '../jobs/link-connection-jobs';
import type { Logger } from '../observability/create-logger';
import { markRemoved } from '../store/installations-repo';
import { setAccountLinksParked } from '../store/links-repo';
import { enqueue, parkLinkJobs } from '../store/outbox-repo';
import type { Database } from '../store/schema';

export interface UninstallResult {
  /** An installation row was marked removed (false for an account linked before installations were kept). */
  removed: boolean;
  /** The account's PRIMARY link, when it has any link. */
  parkedLinkId?: string | undefined;
  /** Every link of the account, all parked, primary first. */
  parkedLinkIds: string[];
  /** Jobs parked across all of them. */
  parkedJobs: number;
}

/**
 * amoCRM's genuine disconnect hook: the installation is marked removed and its tokens purged, every link of the account
 * is parked with its pending jobs (kept, not lost: an install resumes them), and amojo's disconnect is queued for each
 * live one, all in one transaction, so the hook's 200 means it is on disk. Messages and conversations stay. Repeating
 * it is harmless.
 */
export async function uninstallAccount(
  db: Kysely<Database>,
  accountId: number,
  now: number,
  logger?: Logger,
): Promise<UninstallResult> {
  const result = await db.transaction().execute(async (trx) => {
    const removed = await markRemoved(trx, accountId, now);
    const links = await setAccountLinksParked(trx, accountId, true, now);
    let parkedJobs = 0;
    for (const link of links) parkedJobs += await parkLinkJobs(trx, link.id, now);
    // Enqueued after the parking, so the disconnects themselves are not parked. One per live link, as connects are;
    // the handler's disconnect of the shared scope is harmless when repeated.
    for (const link of links) if (link.scopeId !== null) await enqueue(trx, disconnectLinkJob(link.id, now), now);
    return { removed, parkedLinkId: links[0]?.id, parkedLinkIds: links.map((link) => link.id), parkedJobs };
  });
  logger?.info({ accountId, linkIds: result.parkedLinkIds, parkedJobs: result.parkedJobs }, 'account uninstalled');
  return result;
}
