import { describe, expect, it } from 'vitest';
import type { BridgeOutboundEvent } from '../../src/contracts/bridge';
import type { DeliveryBreaker } from '../../src/relay/create-delivery-breaker';
import { DELIVERY_HELD } from '../../src/relay/create-delivery-breaker';
import { failureDecision } from '../../src/relay/failure-decision';
import { handleBridgeDeliver } from '../../src/relay/handle-bridge-deliver';
import type { LiveLink } from '../../src/relay/live-link';
import { postBridgeEvent } from '../../src/relay/post-bridge-event';
import { postThroughBreaker } from '../../src/relay/post-through-breaker';
import type { RelayDeps } from '../../src/relay/relay-deps';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { JOB_DEADLINE } from '../../src/relay/run-claimed-job';

const T0 = 1_800_000_000_000;
const link = {
  id: 'link-1',
  scopeId: 'scope-1',
  webhookUrl: 'https://messenger.example/hook',
  signingSecretEnc: 'sealed',
  parkedAt: null,
} as unknown as LiveLink;
const event = { id: 'evt-1', type: 'test', created_at: '2026-01-31T12:00:00.000Z' } as unknown as BridgeOutboundEvent;

/** A breaker that lets everything through and notes what it is told. */
function recordingBreaker(heldUntil?: number) {
  const hold = heldUntil === undefined ? undefined : ({ type: 'hold', until: heldUntil } as const);
  const records: unknown[] = [];
  const breaker: DeliveryBreaker = {
    held: async () => hold,
    admit: async () => ({ type: 'probe' }),
    record: async (_link, outage, admission) => {
      records.push({ outage, admission });
    },
  };
  return { breaker, records };
}

describe('an attempt its job’s deadline cut short', () => {
  // What the worker's fetch does when the job's signal fires: it rejects with the signal's reason.
  const abortedFetch = async () => {
    throw new RelayJobError(JOB_DEADLINE, { retryable: true });
  };
  const deps = { fetch: abortedFetch, now: () => T0, signingSecretOf: () => 'cs_secret', deliveryTimeoutMs: 60_000 };

  it('is its own status, not a network error', async () => {
    expect(await postBridgeEvent(deps, link, event)).toEqual({ ok: false, status: 'aborted', retryAfterMs: undefined });
  });

  it('is not recorded by the breaker, not even as the probe’s answer', async () => {
    const { breaker, records } = recordingBreaker();
    const result = await postThroughBreaker({ ...deps, breaker }, link, event);
    expect(result).toMatchObject({ ok: false, status: 'aborted' });
    expect(records).toEqual([]);
  });

  it('leaves a real failure recorded', async () => {
    const { breaker, records } = recordingBreaker();
    const down = async () => {
      throw new TypeError('fetch failed');
    };
    await postThroughBreaker({ ...deps, fetch: down, breaker }, link, event);
    expect(records).toEqual([{ outage: true, admission: { type: 'probe' } }]);
  });
});

describe('a delivery its link’s breaker holds', () => {
  it('is held at the top, before the hook is read or anything else is done', async () => {
    const { breaker, records } = recordingBreaker(T0 + 30_000);
    // Any use of the store (reading the hook, its state, messenger ids) would throw something else.
    const db = new Proxy(
      {},
      {
        get() {
          throw new Error('the store was used');
        },
      },
    );
    const deps = {
      db,
      links: { get: async () => link, fresh: async () => link },
      breaker,
      now: () => T0,
    } as unknown as RelayDeps;
    const held = await handleBridgeDeliver(deps, { kind: 'bridge.deliver', linkId: link.id, dedupeKey: 'k' }).catch(
      (error: unknown) => error,
    );
    expect(held).toBeInstanceOf(RelayJobError);
    expect(held).toMatchObject({ code: DELIVERY_HELD, holdUntil: T0 + 30_000 });
    expect(records).toEqual([]);
  });
});

describe('failureDecision: the hold budget', () => {
  const policy = { maxAttempts: 9, baseDelayMs: 1000, maxDelayMs: 60_000 };
  const held = { code: DELIVERY_HELD, retryable: true, retryAfterMs: undefined, holdUntil: T0 + 600_000 };
  const attempt = { number: 1, last: false };

  it('holds no later than the budget’s end, then dead-letters the job instead of holding it again', () => {
    // Waiting for a probe in flight is not given up: its answer is moments away.
    expect(
      failureDecision({ ...held, holdForProbe: true }, attempt, policy, T0 + 240_000, 0.5, T0 + 240_000),
    ).toMatchObject({
      type: 'hold',
    });
    const deadline = T0 + 240_000;
    expect(failureDecision(held, attempt, policy, T0, 0.5, deadline)).toEqual({
      type: 'hold',
      until: deadline,
      errorCode: DELIVERY_HELD,
    });
    expect(failureDecision({ ...held, holdUntil: T0 + 1000 }, attempt, policy, T0, 0.5, deadline)).toMatchObject({
      type: 'hold',
      until: T0 + 1000,
    });
    expect(failureDecision(held, attempt, policy, deadline, 0.5, deadline)).toEqual({
      type: 'dead',
      errorCode: DELIVERY_HELD,
    });
  });
});
