import type { RetryPolicy } from '../http/with-retry';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import type { GroupCommit } from '../store/group-commit';
import type { OutboxJob } from '../store/outbox-repo';
import { classifyJobError } from './classify-job-error';
import type { CommitRequest, CommitResult, JobDecision } from './create-outbox-committer';
import { failureDecision } from './failure-decision';
import type { JobContext, JobHandler } from './job-handler';
import { LINK_PARKED } from './live-link';
import { RelayJobError } from './relay-job-error';

export interface ClaimedJobDeps {
  handle: JobHandler;
  committer: Pick<GroupCommit<CommitRequest, CommitResult>, 'append'>;
  retry: RetryPolicy;
  now: () => number;
  random: () => number;
  metrics?: Pick<Metrics, 'jobAttempts' | 'deadLetters'> | undefined;
  logger?: Logger | undefined;
}

const attemptOf = (ctx: JobContext) => ({ number: ctx.attempt, last: ctx.lastAttempt });

/**
 * Runs one job this worker claimed and ends it: done with the handler's effects, retried after backoff, or a dead
 * letter (with the failure's effects) after the last attempt. The outcome goes to the committer, so it shares a
 * transaction with the worker's next claim, and counts only if the lease still holds. `onHandled` is called once
 * the handler has returned or thrown, before the outcome commits: the job stops counting against the concurrency
 * limit then, so the claim that refills its slot can ride in the same commit.
 */
export async function runClaimedJob(job: OutboxJob, deps: ClaimedJobDeps, onHandled: () => void): Promise<void> {
  const { handle, committer, retry, now, random, logger, metrics } = deps;
  const ctx: JobContext = { attempt: job.attempts, lastAttempt: job.attempts >= retry.maxAttempts };
  const lease = { id: job.id, attempts: job.attempts };
  let finish: CommitRequest;
  let outcome: string;
  try {
    // Claimed more often than it may run, yet its last attempt never reported: a worker died on it every time (a
    // crash, an out-of-memory kill). Running it again would only take the next worker down with it.
    if (job.attempts > retry.maxAttempts) throw new RelayJobError('attempts_exhausted', { retryable: false });
    const result = await handle(job, ctx);
    outcome = result.outcome;
    finish = { type: 'finish', lease, decision: { type: 'complete' }, effects: result.effects };
  } catch (error) {
    const failure = classifyJobError(error);
    const decision: JobDecision =
      failure.code === LINK_PARKED
        ? { type: 'park' }
        : failureDecision(failure, attemptOf(ctx), retry, now(), random());
    outcome = decision.type === 'retry' ? 'retry' : decision.type;
    finish = { type: 'finish', lease, decision, effects: decision.type === 'dead' ? failure.onDead : undefined };
    const log = { jobId: job.id, kind: job.kind, code: failure.code, attempt: job.attempts };
    if (failure.code === 'internal_error') logger?.error({ ...log, err: error }, 'relay job failed');
    else if (outcome === 'park') logger?.info(log, 'relay job parked until the account is installed again');
    else logger?.warn(log, outcome === 'dead' ? 'relay job dead-lettered' : 'relay job will be retried');
  } finally {
    onHandled();
  }
  try {
    const ended = await committer.append(finish);
    if (ended.type === 'finish' && !ended.held) outcome = 'lease_lost';
  } catch (error) {
    logger?.error({ err: error, jobId: job.id, kind: job.kind }, 'relay job outcome not stored');
    outcome = await endWithoutEffects(finish, ctx, deps);
  }
  metrics?.jobAttempts.inc({ kind: job.kind, outcome });
  if (outcome === 'dead') metrics?.deadLetters.inc({ kind: job.kind });
}

/**
 * The job's effects could not be written (a bug or a constraint): end it as a failed attempt instead, so a poison
 * effect becomes a dead letter after the last attempt rather than a job re-run forever at every lease expiry.
 * If even that fails, the job stays leased and is claimed again once the lease runs out.
 */
async function endWithoutEffects(finish: CommitRequest, ctx: JobContext, deps: ClaimedJobDeps): Promise<string> {
  if (finish.type !== 'finish' || finish.effects === undefined) return 'unfinished';
  const failure = { code: 'effects_failed', retryable: true, retryAfterMs: undefined };
  const decision = failureDecision(failure, attemptOf(ctx), deps.retry, deps.now(), deps.random());
  try {
    await deps.committer.append({ type: 'finish', lease: finish.lease, decision });
    return decision.type === 'dead' ? 'dead' : 'retry';
  } catch {
    return 'unfinished';
  }
}
