import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/store/time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a UUIDv7 carrying the time in its first 48 bits', () => {
    const id = timeOrderedId(1_767_225_600_000);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(1_767_225_600_000);
  });

  it('sorts by time, and differs within one millisecond', () => {
    const ids = [1_000, 1_767_225_600_000, 1_767_225_600_001, 2 ** 48 - 1].map(timeOrderedId);
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_767_225_600_000)));
    expect(same.size).toBe(1000);
  });
});
