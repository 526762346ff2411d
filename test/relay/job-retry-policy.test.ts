import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/http/with-retry';
import { JOB_RETRY_POLICY } from '../../src/relay/job-retry-policy';

/** The waits between a job's attempts: one fewer than its attempts, the last attempt is final. */
function span(random: number, retryAfterMs?: number): number {
  let total = 0;
  for (let n = 1; n < JOB_RETRY_POLICY.maxAttempts; n++)
    total += retryDelayMs(JOB_RETRY_POLICY, n, random, retryAfterMs);
  return total;
}

describe('JOB_RETRY_POLICY', () => {
  // The full fault suite's amojo outage (30 s down, then 429, then 503) fails calls for about 47 s: a job that meets
  // it from its first attempt must still have one left when amojo answers again.
  it('spans at least 91.5 s however the jitter falls', () => {
    expect(span(0)).toBe(91_500);
    for (const random of [0.001, 0.25, 0.5, 0.75, 0.999]) expect(span(random)).toBeGreaterThanOrEqual(91_500);
  });

  it('holds a conversation no more than about four minutes of backoff', () => {
    expect(span(0.999_999)).toBeLessThanOrEqual(183_000);
    expect(span(0.999_999, 3_600_000)).toBeLessThanOrEqual(252_000);
    expect(span(0, 3_600_000)).toBe(6 * 20_000 + 2 * 30_000);
  });
});
