import { type RetryPolicy, retryDelayMs } from '../http/with-retry';
import type { JobFailure } from './classify-job-error';
import type { JobDecision } from './create-outbox-committer';

/**
 * What a failed attempt becomes: a dead letter when the failure is permanent or the attempts are used up, else a
 * retry after the policy's jittered backoff, never sooner than the upstream's Retry-After (up to the policy's
 * maxRetryAfterMs, see retryDelayMs; JOB_RETRY_POLICY: equal jitter, 20 s).
 * A job held back before it reached its target (an open delivery breaker) failed nothing: it goes back untried,
 * whatever attempt it was on, so waiting never spends its budget. Waiting has a budget of its own, though:
 * `holdDeadline` (the job's creation plus HOLD_BUDGET_MS): it is held no later than that, and a job still held back
 * then is a dead letter (unless it only waits for a probe in flight), so the manager hears of the outage instead
 * of a message waiting for hours in silence.
 */
export function failureDecision(
  failure: Pick<JobFailure, 'code' | 'retryable' | 'retryAfterMs' | 'holdUntil' | 'holdForProbe'>,
  attempt: { number: number; last: boolean },
  policy: RetryPolicy,
  now: number,
  random: number,
  holdDeadline: number = Number.POSITIVE_INFINITY,
): JobDecision {
  if (failure.holdUntil !== undefined) {
    // A probe in flight answers within its time: a job replayed after the outage must not die waiting for it.
    if (now >= holdDeadline && !failure.holdForProbe) return { type: 'dead', errorCode: failure.code };
    return { type: 'hold', until: Math.min(failure.holdUntil, holdDeadline), errorCode: failure.code };
  }
  if (!failure.retryable || attempt.last) return { type: 'dead', errorCode: failure.code };
  const delay = retryDelayMs(policy, attempt.number, random, failure.retryAfterMs);
  return { type: 'retry', errorCode: failure.code, nextAttemptAt: now + delay };
}
