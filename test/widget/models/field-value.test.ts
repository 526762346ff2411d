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

  it('keeps the webhook URL last linked, and reads a value given ahead of consent for that URL alone', () => {
    const value = {
      consent_at: '2026-11-29T12:00:00.000Z',
      link: 'unlinked',
      webhook_url: 'https://m.example/h',
    } as const;
    expect(decodeFieldValue(encodeFieldValue(value))).toEqual(value);
    expect(decodeFieldValue('{"webhook_url":"http://127.0.0.1:8083/webhook"}')).toEqual({
      webhook_url: 'http://127.0.0.1:8083/webhook',
    });
  });

  it.each(['', 'yes', '{"consent_at":1}', '{"consent_at":"x","link":"maybe"}', 42, null])('rejects %j', (raw) => {
    expect(decodeFieldValue(raw)).toBeNull();
  });
});
