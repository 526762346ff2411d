import type { RelayJob } from '../jobs/relay-jobs';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { targetMessageJobError } from './target-message-job-error';

type ReactJob = Extract<RelayJob, { kind: 'amojo.react' }>;

/** A client set or took back a reaction; a user holds one reaction per message, so a repeat changes nothing. */
export async function handleAmojoReact(deps: RelayDeps, job: ReactJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  try {
    await deps.amojo(link.region).react(link.scopeId, job.request, { retry: false });
  } catch (error) {
    throw await targetMessageJobError(deps, job.linkId, job.request.msgid, error);
  }
  return { outcome: 'sent' };
}
