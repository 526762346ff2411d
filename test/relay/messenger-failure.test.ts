import { describe, expect, it } from 'vitest';
import type { BridgeOutboundEvent } from '../../src/contracts/bridge';
import { EgressRefusedError } from '../../src/egress/egress-refused-error';
import type { LiveLink } from '../../src/relay/live-link';
import { messengerFailure } from '../../src/relay/messenger-failure';
import { postBridgeEvent } from '../../src/relay/post-bridge-event';

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

  it('gives up at once on an address the egress policy refuses, and says so', async () => {
    const refused = messengerFailure({ ok: false, status: 'egress_refused', retryAfterMs: undefined });
    expect(refused).toMatchObject({ retryable: false, errorCode: 902, code: 'messenger_egress_refused' });
    expect(refused.text).toMatch(/egress policy/);
    expect(refused.text.length).toBeLessThanOrEqual(200);
    // what the guarded fetch throws becomes that result, not a network error to retry
    const result = await postBridgeEvent(
      {
        fetch: async () => {
          throw new EgressRefusedError('a non-public address');
        },
        now: () => 1_769_860_800_000,
        signingSecretOf: () => 'cs_secret',
        deliveryTimeoutMs: 1000,
      },
      { webhookUrl: 'https://10-0-0-5.example/hook' } as LiveLink,
      { id: 'evt-1', type: 'test', created_at: '2026-01-31T12:00:00.000Z' } as unknown as BridgeOutboundEvent,
    );
    expect(result).toEqual({ ok: false, status: 'egress_refused', retryAfterMs: undefined });
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
