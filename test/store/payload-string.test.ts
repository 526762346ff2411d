import { describe, expect, it } from 'vitest';
import { payloadString } from '../../src/store/payload-string';

describe('payloadString', () => {
  it('reads a string field of a JSON payload', () => {
    expect(payloadString('{"dedupeKey":"m:1","n":2}', 'dedupeKey')).toBe('m:1');
  });

  it.each(['{"n":2}', '{"dedupeKey":7}', 'null', '[]', 'not json', ''])('gives undefined for %j', (payload) => {
    expect(payloadString(payload, 'dedupeKey')).toBeUndefined();
  });
});
