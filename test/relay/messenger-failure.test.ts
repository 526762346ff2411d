import { describe, expect, it } from 'vitest';
import { messengerFailure } from '../../src/relay/messenger-failure';

describe('messengerFailure', () => {
  const of = (status: number | 'timeout' | 'network_error', retryAfterMs?: number) =>
    messengerFailure(
      typeof status === 'number' ? { ok: false, status, retryAfterMs } : { ok: false, status, retryAfterMs: undefined },
    );

  it('retries what may pass later, reporting 903 if it never does', () => {
    for (const status of [408, 429, 500, 502, 503, 'timeout', 'network_error'] as const) {
      expect(of(status)).toMatchObject({ retryable: true, errorCode: 903 });
    }
    expect(of(429, 5000).retryAfterMs).toBe(5000);
    expect(of('timeout').text).toBe('The messenger did not answer in time.');
  });

  it('gives up at once on refusals, naming the cause for the manager', () => {
    expect(of(410)).toMatchObject({ retryable: false, errorCode: 901 });
    for (const status of [301, 401, 403, 404]) expect(of(status)).toMatchObject({ retryable: false, errorCode: 902 });
    for (const status of [400, 413, 415, 422]) {
      expect(of(status)).toMatchObject({ retryable: false, errorCode: 905, code: `messenger_${status}` });
      expect(of(status).text).toContain(String(status));
    }
  });
});
