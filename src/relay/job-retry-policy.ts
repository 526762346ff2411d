import type { RetryPolicy } from '../http/with-retry';

/**
 * Durable retries of relay jobs (retryDelayMs: full jitter, Retry-After as a floor). Fifteen attempts with delays
 * capped at 10 minutes keep a job trying for about half an hour on average before it becomes a dead letter, which
 * rides out a restart or a short outage of amojo or the messenger; longer outages end in `npm run replay`.
 */
export const JOB_RETRY_POLICY: RetryPolicy = { maxAttempts: 15, baseDelayMs: 1000, maxDelayMs: 10 * 60 * 1000 };
