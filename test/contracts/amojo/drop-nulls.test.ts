import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropNulls } from '../../../src/contracts/amojo/drop-nulls';

/** The definition, spelled plainly: every object property whose value is null goes, at any depth. */
function reference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reference);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) Object.defineProperty(out, key, { value: reference(item), enumerable: true, writable: true });
  }
  return out;
}

describe('dropNulls', () => {
  it('drops null properties at any depth and keeps null array items', () => {
    const hook = JSON.parse(
      '{"a":null,"b":{"markup":null,"text":"hi"},"c":[null,{"d":null,"e":1}],"__proto__":{"f":null}}',
    );
    const out = dropNulls(hook) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"b":{"text":"hi"},"c":[null,{"e":1}],"__proto__":{}}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('hands back a value with no null property as it is, without copying it', () => {
    const hook = JSON.parse('{"a":1,"b":{"c":[null,2,{"d":"x"}]}}');
    expect(dropNulls(hook)).toBe(hook);
  });

  it('agrees with the plain definition on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = JSON.parse(JSON.stringify(value));
        expect(dropNulls(copy)).toEqual(reference(copy));
      }),
    );
  });
});
