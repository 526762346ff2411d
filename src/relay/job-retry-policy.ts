import type { RetryPolicy } from '../http/with-retry';

/**
 * Durable retries of relay jobs. Almost every job holds an ordering key (a chat's deliveries, a conversation's
 * messages, a message's statuses), and while it waits for a retry no later job of that key runs, so the backoff has
 * a ceiling: at worst (top of the jitter, a Retry-After on every answer) 4.2 minutes over 9 attempts. It has a floor
 * too: equal jitter waits at least half of each step (0.5, 1, 2 … 30 s), so the 9 attempts span at least 91.5 s and
 * an upstream outage shorter than that (amojo down, then 429, then 503) spends no job's whole budget; full jitter
 * could spend it in seconds. Past the budget the job is a dead letter, its chat moves on, and `npm run replay`
 * sends it once the cause is fixed. A Retry-After longer than 20 s is cut to it: the next attempt simply asks again.
 */
export const JOB_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 9,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 20_000,
  jitter: 'equal',
};
