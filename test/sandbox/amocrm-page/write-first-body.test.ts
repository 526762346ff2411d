import { describe, expect, it } from 'vitest';
import { writeFirstBody } from '../../../src/sandbox/amocrm-page/browser/wire-write-first';

const fields = { scopeId: '', phone: '+1 555 010 9999', name: '', text: 'Your order is ready' };

describe('writeFirstBody', () => {
  it('drops the separators a person types and sends the number in E.164 form', () => {
    expect(writeFirstBody(fields)).toEqual({
      ok: true,
      body: { phone: '+15550109999', message: { type: 'text', text: 'Your order is ready' } },
    });
    expect(writeFirstBody({ ...fields, phone: ' +7 (916) 123-45-67 ', name: ' Ivan ', scopeId: 's-1' })).toEqual({
      ok: true,
      body: {
        scopeId: 's-1',
        phone: '+79161234567',
        name: 'Ivan',
        message: { type: 'text', text: 'Your order is ready' },
      },
    });
  });

  it.each([
    ['', "Enter the client's phone number"],
    ['abc', '"abc" is not a phone number in international form'],
    ['+7', 'is not a phone number'],
    ['79161234567', 'use + and the country code'],
    ['8 916 123-45-67', 'use + and the country code'],
    ['+0 555 010 9999', 'is not a phone number'],
  ])('refuses the phone %j beside the phone field', (phone, message) => {
    const checked = writeFirstBody({ ...fields, phone });
    expect(checked).toMatchObject({ ok: false, field: 'phone' });
    expect(checked.ok === false && checked.error).toContain(message);
  });

  it('asks for the first message', () => {
    expect(writeFirstBody({ ...fields, text: '  ' })).toEqual({
      ok: false,
      field: 'text',
      error: 'Write the first message.',
    });
  });
});
