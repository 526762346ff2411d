import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  isPhoneNumber,
  normalizePhone,
  phoneNumber,
  phoneNumberMessage,
  samePhoneNumber,
} from '../../src/contracts/phone-number';

describe('normalizePhone', () => {
  it.each([
    ['+79161234567', '+79161234567'],
    ['79161234567', '79161234567'],
    ['+1 555 010 9999', '+15550109999'],
    ['  +7 (916) 123-45-67 ', '+79161234567'],
    ['+44.20.7946.0958', '+442079460958'],
    ['+1234567', '+1234567'],
    ['+683 4002', '+6834002'],
    ['0079161234567', '+79161234567'],
    ['+7\u00a0916\u00a0123\u00a045\u00a067', '+79161234567'],
    ['+123456789012345', '+123456789012345'],
  ])('%j -> %j', (raw, normalized) => {
    expect(normalizePhone(raw)).toBe(normalized);
    expect(isPhoneNumber(raw)).toBe(true);
  });

  it.each([
    'abc',
    '',
    '   ',
    '+',
    '+7',
    '+123456',
    '+1234567890123456',
    '+7\n916 123 45 67',
    '+7\t9161234567',
    '+0 555 010 9999',
    '08001234567',
    '+7 916 abc 45 67',
    '++79161234567',
    '7916+1234567',
    '+7916123\u00004567',
    `+7${' '.repeat(70)}9161234567`,
  ])('%j is not a phone', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
    expect(isPhoneNumber(raw)).toBe(false);
  });

  it('compares numbers however they are written, with or without +', () => {
    expect(samePhoneNumber('+7 916 123-45-67', '79161234567')).toBe(true);
    expect(samePhoneNumber('+79161234567', '+79161234568')).toBe(false);
    expect(samePhoneNumber('abc', 'abc')).toBe(false);
  });
});

describe('phoneNumber (schema)', () => {
  it('keeps the value as sent and names the rule when it is not a phone', () => {
    expect(z.parse(phoneNumber, '+7 916 123-45-67')).toBe('+7 916 123-45-67');
    const refused = z.safeParse(phoneNumber, 'abc');
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual([phoneNumberMessage]);
    const long = z.safeParse(phoneNumber, '1'.repeat(65));
    expect(long.error?.issues).toHaveLength(1);
  });
});
