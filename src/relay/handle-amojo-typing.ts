import type { RelayJob } from '../jobs/relay-jobs';
import type { OutboxJob } from '../store/outbox-repo';
import { amojoJobError } from './amojo-job-error';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

type TypingJob = Extract<RelayJob, { kind: 'amojo.typing' }>;

/** amojo shows a typing indicator for 5 s unless told otherwise. */
const DEFAULT_TYPING_MS = 5000;

/**
 * "Client is typing": throttled per conversation, and dropped once it is older than the indicator it would show.
 * It is never worth a dead letter: a refused or stale typing job completes as dropped.
 */
export async function handleAmojoTyping(deps: RelayDeps, job: TypingJob, row: OutboxJob): Promise<JobResult> {
  const now = deps.now();
  if (now - row.createdAt > (job.request.duration_ms ?? DEFAULT_TYPING_MS)) return { outcome: 'stale' };
  const link = await liveLink(deps.links, job.linkId);
  if (!deps.typingThrottle.allow(`${link.id}:${job.request.conversation_id}`, now)) return { outcome: 'throttled' };
  try {
    await deps.amojo(link.region).typing(link.scopeId, job.request, { retry: false });
  } catch (error) {
    const failure = amojoJobError(error);
    if (failure instanceof RelayJobError && !failure.retryable) return { outcome: 'dropped' };
    throw failure;
  }
  return { outcome: 'sent' };
}
