import { describe, expect, it } from 'vitest';
import { createRequestIds, newRequestId } from '../../../src/sandbox/amocrm-page/browser/create-request-ids';

describe('createRequestIds', () => {
  it('gives one id per composed body until it is settled', () => {
    let n = 0;
    const ids = createRequestIds(() => `id-${++n}`);
    const body = { chatId: 'c', message: { type: 'text', text: 'Hi' } };
    expect(ids.idFor(body)).toBe('id-1');
    expect(ids.idFor({ ...body })).toBe('id-1');
    expect(ids.idFor({ ...body, message: { type: 'text', text: 'Hi!' } })).toBe('id-2');
    ids.settle();
    expect(ids.idFor(body)).toBe('id-3');
  });

  it('mints UUID v4s, without crypto.randomUUID too (an insecure context has none)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newRequestId()).toMatch(uuid);
    const original = crypto.randomUUID;
    try {
      Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
      const a = newRequestId();
      expect(a).toMatch(uuid);
      expect(newRequestId()).not.toBe(a);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true });
    }
  });
});
