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

  it('names the most likely cause first: a stale signing secret for 401/403, an unreachable URL for a connection error', () => {
    for (const status of [401, 403]) {
      expect(of(status).text).toMatch(
        /^The messenger refused our signature \(HTTP 40[13]\): its signing secret is most/,
      );
      expect(of(status).text).not.toMatch(/webhook URL/);
    }
    expect(of('network_error').text).toMatch(/^The messenger’s webhook URL could not be reached/);
    expect(of(404).text).toMatch(/no webhook at this address \(HTTP 404\): check the webhook URL/);
    expect(of(302).text).toMatch(/^The webhook URL redirects \(HTTP 302\)/);
    // amoCRM shows the text next to the message; the bridge's own failure texts are cut at 200 characters.
    for (const status of [301, 401, 403, 404, 410, 418, 500, 'timeout', 'network_error'] as const) {
      expect(of(status).text.length).toBeLessThanOrEqual(200);
    }
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
