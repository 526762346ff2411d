import { describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { call } from '../../src/amojo/call';
import { DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RETRY_POLICY, retryDelayMs, withRetry } from '../../src/http/with-retry';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const fail = (code: ConstructorParameters<typeof AmojoError>[0], retryAfterMs?: number) =>
  new AmojoError(
    code,
    code,
    retryAfterMs === undefined ? { endpoint: 'typing' } : { endpoint: 'typing', retryAfterMs },
  );

function recorder() {
  const slept: number[] = [];
  return { slept, runtime: { sleep: async (ms: number) => void slept.push(ms), random: () => 0.5 } };
}

describe('retryDelayMs', () => {
  it('grows exponentially with full jitter up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelayMs(policy, 3, 0)).toBe(0);
  });

  it('waits at least half of each step with equal jitter', () => {
    const equal = { ...policy, jitter: 'equal' as const };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(equal, n, 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(equal, n, 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelayMs(equal, 1, 0.5, 5000)).toBe(5000);
    // An odd step rounds its half up, so the wait never drops below half of it.
    expect(retryDelayMs({ ...equal, baseDelayMs: 1 }, 1, 0)).toBe(1);
    expect(retryDelayMs({ ...equal, baseDelayMs: 3 }, 1, 0)).toBe(2);
  });

  it('never waits less than Retry-After', () => {
    expect(retryDelayMs(policy, 1, 0.5, 5000)).toBe(5000);
    expect(retryDelayMs(policy, 4, 0.999, 10)).toBe(799);
  });

  it('cuts a Retry-After longer than the policy honours', () => {
    const capped = { ...policy, maxRetryAfterMs: 3000 };
    expect(retryDelayMs(capped, 1, 0.5, 5000)).toBe(3000);
    expect(retryDelayMs(capped, 1, 0.5, Number.POSITIVE_INFINITY)).toBe(3000);
    expect(retryDelayMs(policy, 1, 0.5, 86_400_000)).toBe(DEFAULT_MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 0.5, 60_000)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('withRetry', () => {
  it.each(['network_error', 'timeout', 'rate_limited', 'upstream_error'] as const)('retries %s', async (code) => {
    const { slept, runtime } = recorder();
    let n = 0;
    const result = await withRetry(
      async () => {
        if (++n < 3) throw fail(code);
        return 'ok';
      },
      policy,
      runtime,
    );
    expect(result).toBe('ok');
    expect(n).toBe(3);
    expect(slept).toEqual([50, 100]);
  });

  it.each(['forbidden', 'invalid_request', 'not_found', 'aborted', 'invalid_response'] as const)(
    'does not retry %s',
    async (code) => {
      const { slept, runtime } = recorder();
      let n = 0;
      const attempt = async () => {
        n++;
        throw fail(code);
      };
      await expect(withRetry(attempt, policy, runtime)).rejects.toMatchObject({ code });
      expect(n).toBe(1);
      expect(slept).toEqual([]);
    },
  );

  it('retries any failure that says it is retryable, honouring its Retry-After', async () => {
    const { slept, runtime } = recorder();
    let n = 0;
    const busy = Object.assign(new Error('busy'), { retryable: true, retryAfterMs: 700 });
    const result = await withRetry(
      async () => {
        if (++n < 2) throw busy;
        return 'ok';
      },
      policy,
      runtime,
    );
    expect(result).toBe('ok');
    expect(slept).toEqual([700]);
  });

  it('does not retry a failure that does not say it is retryable', async () => {
    const { slept, runtime } = recorder();
    let n = 0;
    const plain = new Error('boom');
    const attempt = async () => {
      n++;
      throw plain;
    };
    await expect(withRetry(attempt, policy, runtime)).rejects.toBe(plain);
    expect(n).toBe(1);
    expect(slept).toEqual([]);
  });

  it('stops after maxAttempts with the last error, honouring Retry-After', async () => {
    const { slept, runtime } = recorder();
    let n = 0;
    const attempt = async () => {
      n++;
      throw fail('rate_limited', 2000);
    };
    await expect(withRetry(attempt, policy, runtime)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(n).toBe(4);
    expect(slept).toEqual([2000, 2000, 2000]);
  });

  it('signs every attempt with a fresh Date', async () => {
    let clock = Date.parse('2026-11-29T12:00:00Z');
    const dates: string[] = [];
    const transport = {
      baseUrl: 'http://amojo.test',
      secret: 's',
      now: () => new Date(clock),
      timeoutMs: 1000,
      fetch: (async (_url: string, init: RequestInit) => {
        dates.push(new Headers(init.headers).get('date')!);
        return dates.length < 3 ? new Response('', { status: 503 }) : new Response(null, { status: 204 });
      }) as unknown as typeof fetch,
    };
    const runtime = {
      sleep: async (ms: number) => {
        clock += ms + 60_000;
      },
      random: () => 0.5,
    };
    await withRetry(() => call(transport, { endpoint: 'typing', method: 'POST', path: '/p' }), policy, runtime);
    expect(dates).toEqual([
      'Sun, 29 Nov 2026 12:00:00 +0000',
      'Sun, 29 Nov 2026 12:01:00 +0000',
      'Sun, 29 Nov 2026 12:02:00 +0000',
    ]);
  });
});
