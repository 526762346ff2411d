/**
 * What withRetry reads of a failure: whether another attempt may succeed, and how long the peer asked to wait.
 * AmojoError has both; anything without `retryable: true` is final.
 */
export interface RetryableFailure {
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
}

function isRetryable(error: unknown): error is RetryableFailure {
  return error instanceof Error && (error as Partial<RetryableFailure>).retryable === true;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` honoured (default DEFAULT_MAX_RETRY_AFTER_MS); a longer one is cut to it. */
  maxRetryAfterMs?: number;
  /**
   * `full` (the default) waits anywhere below the step's ceiling; `equal` waits at least half of it, so the attempts
   * span a known minimum time: what a queued job needs to outlast an upstream's outage (JOB_RETRY_POLICY).
   */
  jitter?: 'full' | 'equal';
}

/**
 * An upstream may ask for a day, or name the year 9999; a queued job waiting that long would hold back every later
 * job of its conversation. After an hour the next attempt simply asks again.
 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

// Callers of withRetry wait inside a request, so they honour no more than the longest backoff.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 10_000,
};

export interface RetryRuntime {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1); injected so tests can pin the jitter. */
  random: () => number;
}

/** Jittered exponential backoff; a `Retry-After` is a floor, never shortened below policy.maxRetryAfterMs. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const least = policy.jitter === 'equal' ? Math.ceil(ceiling / 2) : 0;
  const jittered = Math.floor(least + random * (ceiling - least));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(Math.min(retryAfterMs, policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS), jittered);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the policy is used up.
 * Each attempt is a fresh call, so each is signed with a fresh Date.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  runtime: RetryRuntime,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error) || n >= policy.maxAttempts || signal?.aborted) throw error;
      await runtime.sleep(retryDelayMs(policy, n, runtime.random(), error.retryAfterMs), signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
