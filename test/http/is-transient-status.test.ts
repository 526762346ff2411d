import { describe, expect, it } from 'vitest';
import { isTransientStatus } from '../../src/http/is-transient-status';

describe('isTransientStatus', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('calls %i transient', (status) => {
    expect(isTransientStatus(status)).toBe(true);
  });

  it.each([200, 301, 400, 401, 403, 404, 409, 410, 413, 415, 422, 499])('calls %i final', (status) => {
    expect(isTransientStatus(status)).toBe(false);
  });
});
