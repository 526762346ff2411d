import type { Kysely } from 'kysely';
import { disconnectLinkJob } from '../jobs/link-connection-jobs';
import type { Logger } from '../observability/create-logger';
import { markRemoved } from '../store/installations-repo';
import { findLinkByAccountId, setLinkParked } from '../store/links-repo';
import { enqueue, parkLinkJobs } from '../store/outbox-repo';
import type { Database } from '../store/schema';

export interface UninstallResult {
  /** An installation row was marked removed (false for an account linked before installations were kept). */
  removed: boolean;
  parkedLinkId?: string | undefined;
  parkedJobs: number;
}

/**
 * amoCRM's genuine disconnect hook: the installation is marked removed and its tokens purged, the link is parked
 * with its pending jobs (kept, not lost: an install resumes them), and amojo's disconnect is queued, all in one
 * transaction, so the hook's 200 means it is on disk. Messages and conversations stay. Repeating it is harmless.
 */
export async function uninstallAccount(
  db: Kysely<Database>,
  accountId: number,
  now: number,
  logger?: Logger,
): Promise<UninstallResult> {
  const result = await db.transaction().execute(async (trx) => {
    const removed = await markRemoved(trx, accountId, now);
    const link = await findLinkByAccountId(trx, accountId);
    if (!link) return { removed, parkedJobs: 0 };
    await setLinkParked(trx, accountId, true, now);
    const parkedJobs = await parkLinkJobs(trx, link.id, now);
    // Enqueued after the parking, so the disconnect itself is not parked.
    if (link.scopeId !== null) await enqueue(trx, disconnectLinkJob(link.id, now), now);
    return { removed, parkedLinkId: link.id, parkedJobs };
  });
  logger?.info({ accountId, linkId: result.parkedLinkId, parkedJobs: result.parkedJobs }, 'account uninstalled');
  return result;
}
