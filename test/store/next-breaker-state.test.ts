import { describe, expect, it } from 'vitest';
import { type BreakerState, DEFAULT_BREAKER_POLICY, nextBreakerState } from '../../src/store/next-breaker-state';

const T0 = 1_800_000_000_000;
const URL_A = 'https://messenger.example/a';
const policy = DEFAULT_BREAKER_POLICY;

describe('nextBreakerState', () => {
  const fail = (state: BreakerState | undefined, now: number, probe = false, webhookUrl = URL_A) =>
    nextBreakerState(state, { webhookUrl, probe }, now, policy);

  it('opens on the fifth straight failure, for 30 s, counting the streak from its first failure', () => {
    let state: BreakerState | undefined;
    for (let i = 0; i < 4; i += 1) {
      state = fail(state, T0 + i);
      expect(state).toMatchObject({ failures: i + 1, failingSince: T0, openUntil: null, openings: 0 });
    }
    state = fail(state, T0 + 10);
    expect(state).toEqual({
      webhookUrl: URL_A,
      failures: 5,
      failingSince: T0,
      openUntil: T0 + 10 + 30_000,
      openings: 1,
      probeUntil: null,
    });
  });

  it('counts failures of deliveries already on their way while open without moving the wait', () => {
    let state: BreakerState | undefined;
    for (let i = 0; i < 5; i += 1) state = fail(state, T0);
    const opened = state;
    state = fail(state, T0 + 5);
    expect(state).toMatchObject({ failures: 6, openUntil: opened?.openUntil, openings: 1 });
  });

  it('opens again after each failed probe, doubling the wait up to 10 minutes', () => {
    let state: BreakerState | undefined;
    for (let i = 0; i < 5; i += 1) state = fail(state, T0);
    const waits: number[] = [(state?.openUntil ?? 0) - T0];
    let now = T0;
    for (let probe = 0; probe < 6; probe += 1) {
      now = (state?.openUntil ?? now) + 1;
      state = fail({ ...(state as BreakerState), probeUntil: now + policy.probeMs }, now, true);
      waits.push((state.openUntil ?? 0) - now);
      expect(state.probeUntil).toBeNull();
    }
    expect(waits.map((ms) => ms / 1000)).toEqual([30, 60, 120, 240, 480, 600, 600]);
    expect(state).toMatchObject({ failures: 11, failingSince: T0, openings: 7 });
  });

  it('starts over for another webhook URL', () => {
    let state: BreakerState | undefined;
    for (let i = 0; i < 5; i += 1) state = fail(state, T0);
    expect(fail(state, T0 + 1, false, 'https://messenger.example/b')).toEqual({
      webhookUrl: 'https://messenger.example/b',
      failures: 1,
      failingSince: T0 + 1,
      openUntil: null,
      openings: 0,
      probeUntil: null,
    });
  });
});
