import { describe, expect, it } from 'vitest';
import { createTypingThrottle } from '../../src/bridge/create-typing-throttle';

describe('createTypingThrottle', () => {
  it('lets one typing per key through per interval', () => {
    const throttle = createTypingThrottle({ intervalMs: 3000 });
    expect(throttle.allow('a', 10_000)).toBe(true);
    expect(throttle.allow('a', 12_999)).toBe(false);
    expect(throttle.allow('b', 12_999)).toBe(true);
    expect(throttle.allow('a', 13_000)).toBe(true);
  });

  // The relay's copy refused here until the clock passed 13,000 again; the bridge's let it through. Kept: the bridge's.
  it('survives the clock stepping back: the next typing passes and the interval counts from it', () => {
    const throttle = createTypingThrottle({ intervalMs: 3000 });
    expect(throttle.allow('a', 10_000)).toBe(true);
    expect(throttle.allow('a', 4000)).toBe(true);
    expect(throttle.allow('a', 6999)).toBe(false);
    expect(throttle.allow('a', 7000)).toBe(true);
  });

  it('stays bounded: expired keys go first, then all of them', () => {
    const throttle = createTypingThrottle({ intervalMs: 3000, maxEntries: 2 });
    expect(throttle.allow('a', 0)).toBe(true);
    expect(throttle.allow('b', 2000)).toBe(true);
    // 'a' expired and made room; 'b' is still remembered.
    expect(throttle.allow('c', 3000)).toBe(true);
    expect(throttle.allow('b', 3000)).toBe(false);
    // Nothing expired: everything is forgotten, which costs at most one extra typing per key.
    expect(throttle.allow('d', 3001)).toBe(true);
    expect(throttle.allow('b', 3001)).toBe(true);
  });
});
