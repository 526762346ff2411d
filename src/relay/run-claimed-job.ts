import type { RetryPolicy } from '../http/with-retry';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import type { GroupCommit } from '../store/group-commit';
import type { OutboxJob } from '../store/outbox-repo';
import { classifyJobError, type JobFailure } from './classify-job-error';
import type { CommitRequest, CommitResult, JobDecision } from './create-outbox-committer';
import { failureDecision } from './failure-decision';
import type { JobEffect } from './job-effect';
import type { JobContext, JobHandler } from './job-handler';
import { LINK_PARKED } from './live-link';
import { RelayJobError } from './relay-job-error';

export interface ClaimedJobDeps {
  handle: JobHandler;
  committer: Pick<GroupCommit<CommitRequest, CommitResult>, 'append'>;
  retry: RetryPolicy;
  now: () => number;
  random: () => number;
  /** How long one attempt of this job may run (ms); past it the attempt is a retryable `job_deadline` failure. */
  deadlineMs: (job: OutboxJob) => number;
  /**
   * The effects a job's dead letter writes when the handler could not say them itself: it was never run
   * (`attempts_exhausted`, `worker_lost`) or never finished (`job_deadline`). E.g. -1 to amojo for a manager message.
   */
  deadEffects?: ((job: OutboxJob, code: string) => Promise<JobEffect | undefined>) | undefined;
  /** How long after its creation a job may still be held back untried (default HOLD_BUDGET_MS). */
  holdBudgetMs?: number | undefined;
  metrics?: Pick<Metrics, 'jobAttempts' | 'deadLetters'> | undefined;
  logger?: Logger | undefined;
}

/** The failure of an attempt that ran past its deadline; what the handler does after it is never committed. */
export const JOB_DEADLINE = 'job_deadline';
/**
 * The reason an attempt is aborted with when its worker finds its lease lost (another worker took the job over after
 * the lease ran out): the attempt ends there, and nothing of it is committed.
 */
export const LEASE_LOST = 'lease_lost';
/** A job taken over from dead workers more than MAX_LOST_LEASES times: it takes every worker that runs it down. */
export const WORKER_LOST = 'worker_lost';
/**
 * Takeovers a job may have before it is a dead letter. Lost leases do not spend the retry budget (a worker killed
 * in a deploy wastes no attempt), so without this bound a job that kills whatever worker runs it (out of memory, a
 * crash) would be claimed, and take a worker down, forever. Every job a dead worker held is charged, and they all
 * expire and are taken over together, so a healthy job slower than the poison one beside it shares each crash until
 * it ends first: five rather than three gives it two more chances (and room for a takeover of another cause, an
 * instance lost), at the price of two more workers a poison job takes down before it stops.
 */
export const MAX_LOST_LEASES = 5;
const ATTEMPTS_EXHAUSTED = 'attempts_exhausted';

/**
 * How long a job may be held back by its link's delivery breaker, from its creation: about the retry cap's four
 * minutes of backoff (docs/decisions.md), so a chat whose head is held waits no longer than one whose head fails.
 * Past it the job is dead-lettered with its on-death effect (-1/903 for a manager message), and replayable.
 */
export const HOLD_BUDGET_MS = 240_000;

const attemptOf = (ctx: JobContext) => ({ number: ctx.attempt, last: ctx.lastAttempt });

/**
 * Runs one job this worker claimed and ends it: done with the handler's effects, retried after backoff, or a dead
 * letter (with the failure's effects) after the last attempt. The outcome goes to the committer, so it shares a
 * transaction with the worker's next claim, and counts only if the lease still holds. `onHandled` is called once
 * the handler has returned or thrown, or its deadline has passed, before the outcome commits: the job stops counting
 * against the concurrency limit then, so the claim that refills its slot can ride in the same commit.
 *
 * Every attempt has a deadline (`deadlineMs`), enforced twice: the handler gets an AbortSignal that fires then and
 * passes it to every call that may wait, and the runner stops waiting for it at that moment anyway. The attempt
 * then ends as a retryable `job_deadline` failure (its lease released with the retry), and whatever the handler
 * returns later is dropped: its effects are never committed.
 *
 * `leaseLost` fires when the runner finds the job's lease lost (renewLeases left it out): the attempt is aborted the
 * same way, but nothing is committed at all, since the job is another worker's now (the committer's fencing would
 * refuse it anyway); it counts as the outcome `lease_lost`, with one warning.
 *
 * The retry budget counts `attempts - lostLeases`: a claim that took the job over from a dead worker is not an
 * attempt of its own (JobContext.attempt). More than MAX_LOST_LEASES takeovers make it a `worker_lost` dead letter.
 */
export async function runClaimedJob(
  job: OutboxJob,
  deps: ClaimedJobDeps,
  onHandled: () => void,
  leaseLost?: AbortSignal,
): Promise<void> {
  const { handle, committer, retry, logger, metrics } = deps;
  const attempt = new AbortController();
  const budget = job.attempts - job.lostLeases;
  const ctx: JobContext = { attempt: budget, lastAttempt: budget >= retry.maxAttempts, signal: attempt.signal };
  const lease = { id: job.id, attempts: job.attempts };
  let finish: CommitRequest | undefined;
  let outcome: string;
  let timer: NodeJS.Timeout | undefined;
  let lost = false;
  let onLost: (() => void) | undefined;
  try {
    // Taken over from a worker whose lease ran out more often than a deploy or two explain: a worker died on it
    // every time (a crash, an out-of-memory kill). Running it again would only take the next worker down with it.
    if (job.lostLeases > MAX_LOST_LEASES) throw new RelayJobError(WORKER_LOST, { retryable: false });
    // A budget past the policy: a row from before lost leases were counted apart (0012), whose takeovers spent
    // attempts, or a policy lowered since its last attempt. Its last attempt has been and gone.
    if (budget > retry.maxAttempts) throw new RelayJobError(ATTEMPTS_EXHAUSTED, { retryable: false });
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const passed = new RelayJobError(JOB_DEADLINE, { retryable: true });
        attempt.abort(passed);
        reject(passed);
      }, deps.deadlineMs(job));
      onLost = () => {
        if (attempt.signal.aborted) return;
        lost = true;
        const reason = new RelayJobError(LEASE_LOST, { retryable: true });
        attempt.abort(reason);
        reject(reason);
      };
      if (leaseLost?.aborted) onLost();
      else leaseLost?.addEventListener('abort', onLost, { once: true });
    });
    const result = await Promise.race([handle(job, ctx), stopped]);
    // A handler that answered in the very turn its deadline passed is still late.
    if (attempt.signal.aborted) throw attempt.signal.reason;
    outcome = result.outcome;
    finish = { type: 'finish', lease, decision: { type: 'complete' }, effects: result.effects };
  } catch (error) {
    if (lost) {
      outcome = LEASE_LOST;
      logger?.warn(
        { jobId: job.id, kind: job.kind, attempt: ctx.attempt },
        'relay job lost its lease: attempt dropped',
      );
    } else ({ finish, outcome } = await failedAttempt(job, ctx, error, attempt.signal.aborted, deps));
  } finally {
    clearTimeout(timer);
    if (onLost) leaseLost?.removeEventListener('abort', onLost);
    onHandled();
  }
  if (finish !== undefined) {
    try {
      const ended = await committer.append(finish);
      if (ended.type === 'finish' && !ended.held) outcome = LEASE_LOST;
    } catch (error) {
      logger?.error({ err: error, jobId: job.id, kind: job.kind }, 'relay job outcome not stored');
      outcome = await endWithoutEffects(finish, ctx, deps);
    }
  }
  metrics?.jobAttempts.inc({ kind: job.kind, outcome });
  if (outcome === 'dead') metrics?.deadLetters.inc({ kind: job.kind });
}

/**
 * A failed attempt's decision (retried, parked, held or dead) and its log line. Past the deadline (`timedOut`),
 * whatever the handler threw (often the abort it was given) is the deadline's doing.
 */
async function failedAttempt(
  job: OutboxJob,
  ctx: JobContext,
  error: unknown,
  timedOut: boolean,
  deps: ClaimedJobDeps,
): Promise<{ finish: CommitRequest; outcome: string }> {
  const { retry, now, random, logger } = deps;
  const failure: JobFailure = timedOut
    ? { code: JOB_DEADLINE, retryable: true, retryAfterMs: undefined, onDead: undefined }
    : classifyJobError(error);
  const decision: JobDecision =
    failure.code === LINK_PARKED
      ? { type: 'park' }
      : failureDecision(
          failure,
          attemptOf(ctx),
          retry,
          now(),
          random(),
          job.createdAt + (deps.holdBudgetMs ?? HOLD_BUDGET_MS),
        );
  const outcome = decision.type === 'retry' ? 'retry' : decision.type;
  const effects = decision.type === 'dead' ? (failure.onDead ?? (await deadEffectsOf(job, failure, deps))) : undefined;
  const lease = { id: job.id, attempts: job.attempts };
  const log = { jobId: job.id, kind: job.kind, code: failure.code, attempt: ctx.attempt };
  if (failure.code === 'internal_error') logger?.error({ ...log, err: error }, 'relay job failed');
  else if (outcome === 'park') logger?.info(log, 'relay job parked until the account is installed again');
  else logger?.warn(log, outcome === 'dead' ? 'relay job dead-lettered' : 'relay job will be retried');
  return { finish: { type: 'finish', lease, decision, effects }, outcome };
}

/**
 * A dead letter's effects when the handler never reported a failure of its own (never ran, ran past its deadline,
 * or was held back by its link's breaker past the hold budget): asked of `deadEffects`, which reads the job's
 * stored input without running it. If that fails, the job
 * is still dead-lettered, without them: a job that can neither run nor end would be claimed forever.
 */
async function deadEffectsOf(job: OutboxJob, failure: JobFailure, deps: ClaimedJobDeps) {
  // A job held past its budget never reached the code that would say its effects either.
  const unsaid =
    failure.code === ATTEMPTS_EXHAUSTED ||
    failure.code === WORKER_LOST ||
    failure.code === JOB_DEADLINE ||
    failure.holdUntil !== undefined;
  if (!deps.deadEffects || !unsaid) return undefined;
  try {
    return await deps.deadEffects(job, failure.code);
  } catch (error) {
    deps.logger?.error({ err: error, jobId: job.id, kind: job.kind }, 'relay dead letter effects not read');
    return undefined;
  }
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
