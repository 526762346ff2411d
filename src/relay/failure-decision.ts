import { type RetryPolicy, retryDelayMs } from '../http/with-retry';
import type { JobFailure } from './classify-job-error';
import type { JobDecision } from './create-outbox-committer';

/**
 * What a failed attempt becomes: a dead letter when the failure is permanent or the attempts are used up, else a
 * retry after full-jitter backoff, never sooner than the upstream's Retry-After (up to an hour, see retryDelayMs).
 * A job held back before it reached its target (an open delivery breaker) failed nothing: it goes back untried,
 * whatever attempt it was on, so waiting never spends its budget nor makes it a dead letter.
 */
export function failureDecision(
  failure: Pick<JobFailure, 'code' | 'retryable' | 'retryAfterMs' | 'holdUntil'>,
  attempt: { number: number; last: boolean },
  policy: RetryPolicy,
  now: number,
  random: number,
): JobDecision {
  if (failure.holdUntil !== undefined) return { type: 'hold', until: failure.holdUntil, errorCode: failure.code };
  if (!failure.retryable || attempt.last) return { type: 'dead', errorCode: failure.code };
  const delay = retryDelayMs(policy, attempt.number, random, failure.retryAfterMs);
  return { type: 'retry', errorCode: failure.code, nextAttemptAt: now + delay };
}
