import { describe, expect, it } from 'vitest';
import { decodeFieldValue, encodeFieldValue } from '../../../widget/models/field-value';

describe('the custom field value', () => {
  it('is empty without consent, so the required field blocks Save', () => {
    expect(encodeFieldValue(null)).toBe('');
  });

  it('round-trips as a JSON string, which the platform stores (a plain string it drops)', () => {
    const value = { consent_at: '2026-11-29T12:00:00.000Z', link: 'linked' } as const;
    const encoded = encodeFieldValue(value);
    expect(JSON.parse(encoded)).toEqual(value);
    expect(decodeFieldValue(encoded)).toEqual(value);
    expect(decodeFieldValue(value)).toEqual(value);
  });

  it.each(['', 'yes', '{"consent_at":1}', '{"consent_at":"x","link":"maybe"}', 42, null])('rejects %j', (raw) => {
    expect(decodeFieldValue(raw)).toBeNull();
  });
});
