import { type RetryPolicy, retryDelayMs } from '../http/with-retry';
import type { JobFailure } from './classify-job-error';
import type { JobDecision } from './create-outbox-committer';

/**
 * What a failed attempt becomes: a dead letter when the failure is permanent or the attempts are used up, else a
 * retry after full-jitter backoff, never sooner than the upstream's Retry-After (up to an hour, see retryDelayMs).
 */
export function failureDecision(
  failure: Pick<JobFailure, 'code' | 'retryable' | 'retryAfterMs'>,
  attempt: { number: number; last: boolean },
  policy: RetryPolicy,
  now: number,
  random: number,
): JobDecision {
  if (!failure.retryable || attempt.last) return { type: 'dead', errorCode: failure.code };
  const delay = retryDelayMs(policy, attempt.number, random, failure.retryAfterMs);
  return { type: 'retry', errorCode: failure.code, nextAttemptAt: now + delay };
}
