import type { RelayJob } from '../jobs/relay-jobs';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { targetMessageJobError } from './target-message-job-error';

type EditJob = Extract<RelayJob, { kind: 'amojo.edit_message' }>;

/** A client edited a message; repeating an edit is harmless, so a re-run after a crash simply sends it again. */
export async function handleAmojoEdit(deps: RelayDeps, job: EditJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  try {
    await deps.amojo(link.region).editMessage(link.scopeId, job.request, { retry: false });
  } catch (error) {
    throw await targetMessageJobError(deps, job.linkId, job.request.payload.msgid, error);
  }
  return { outcome: 'sent' };
}
