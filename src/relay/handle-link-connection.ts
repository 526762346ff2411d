import { AmojoError } from '../amojo/amojo-error';
import type { RelayJob } from '../jobs/relay-jobs';
import { listAccountLinksOf } from '../store/links-repo';
import type { JobResult } from './job-handler';
import type { RelayDeps } from './relay-deps';
import { scopeConnectionOf } from './scope-connection-of';

/**
 * Connects or disconnects a link's scope at amojo after an install or a removal. Each reads the link as it is
 * now, not as it was when queued: a disconnect whose link an install has since unparked, or a connect whose link
 * was parked again or unlinked, has nothing left to do. amojo's 404 on disconnect means it is already gone.
 * The scope is the account's, shared by all its live links: a connect carries the scope's settings as all of them make
 * them (scope-connection-of.ts), never the one link's own, so the connects of a reinstall, one per link, agree.
 */
export async function handleLinkConnection(
  deps: RelayDeps,
  job: Extract<RelayJob, { kind: 'amojo.connect_link' | 'amojo.disconnect_link' }>,
): Promise<JobResult> {
  // The account's live links in one read; the job's link among them, or it is not live and has nothing to do.
  const live = await listAccountLinksOf(deps.db, job.linkId, { liveOnly: true });
  const link = live.find((candidate) => candidate.id === job.linkId);
  if (!link?.scopeId) return { outcome: 'skipped' };
  const parked = link.parkedAt !== null;
  const amojo = deps.amojo(link.region);
  if (job.kind === 'amojo.connect_link') {
    if (parked) return { outcome: 'skipped' };
    const scope = scopeConnectionOf(link.amojoId, live);
    // One call per attempt: the outbox retries the job, and the client's own retries would outlast its deadline.
    await amojo.connect(
      {
        account_id: scope.amojo_id,
        title: scope.title,
        hook_api_version: 'v2',
        is_time_window_disabled: scope.time_window_disabled,
      },
      { retry: false },
    );
    return { outcome: 'connected' };
  }
  if (!parked) return { outcome: 'skipped' };
  try {
    await amojo.disconnect({ account_id: link.amojoId }, { retry: false });
  } catch (error) {
    if (!(error instanceof AmojoError && error.code === 'not_found')) throw error;
  }
  return { outcome: 'disconnected' };
}
