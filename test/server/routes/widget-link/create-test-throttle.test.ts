import { describe, expect, it } from 'vitest';
import { createTestThrottle } from '../../../../src/server/routes/widget-link/create-test-throttle';

describe('createTestThrottle', () => {
  const start = new Date('2026-01-01T00:00:00Z').getTime();

  it('grants a burst, then says how long to wait, then refills one unit per interval', () => {
    const clock = { now: start };
    const throttle = createTestThrottle({ burst: 2, refillMs: 10_000, now: () => new Date(clock.now) });
    expect(throttle.take(1)).toBe(0);
    expect(throttle.take(1)).toBe(0);
    expect(throttle.take(1)).toBe(10_000);
    clock.now += 4000;
    expect(throttle.take(1)).toBe(6000);
    clock.now += 6000;
    expect(throttle.take(1)).toBe(0);
    expect(throttle.take(1)).toBe(10_000);
  });

  it('keeps keys apart and never grants more than the burst after a long pause', () => {
    const clock = { now: start };
    const throttle = createTestThrottle({ burst: 1, refillMs: 1000, now: () => new Date(clock.now) });
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('b')).toBe(0);
    clock.now += 3_600_000;
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('a')).toBe(1000);
  });
});
