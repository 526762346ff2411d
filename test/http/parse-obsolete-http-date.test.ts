import { describe, expect, it } from 'vitest';
import { parseObsoleteHttpDate } from '../../src/http/parse-obsolete-http-date';
import { parseRetryAfter } from '../../src/http/parse-retry-after';

const NOW = new Date('2026-11-29T12:00:00Z');

describe('parseObsoleteHttpDate', () => {
  it.each([
    ['Sunday, 06-Nov-94 08:49:37 GMT', '1994-11-06T08:49:37.000Z'],
    ['Sun Nov  6 08:49:37 1994', '1994-11-06T08:49:37.000Z'],
    ['Sunday, 29-Nov-26 12:00:30 GMT', '2026-11-29T12:00:30.000Z'],
    ['Sun Nov 29 12:00:30 2026', '2026-11-29T12:00:30.000Z'],
    // 2075 is within 50 years of 2026; 2077 would not be, so it is 1977.
    ['Friday, 29-Nov-75 00:00:00 GMT', '2075-11-29T00:00:00.000Z'],
    ['Tuesday, 29-Nov-77 00:00:00 GMT', '1977-11-29T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect(parseObsoleteHttpDate(value, NOW)?.toISOString()).toBe(iso);
  });

  it.each([
    'Monday, 06-Nov-94 08:49:37 GMT', // 6 Nov 1994 was a Sunday
    'Sunday, 06-Nov-94 08:49:37 EST',
    'Sun Nov 6 08:49:37 1994', // asctime pads a one-digit day with a space
    'Sun Nov 31 08:49:37 1994',
    'Sunday, 06-Nov-94 25:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT', // IMF-fixdate is parseRfc2822Date's
  ])('refuses %s', (value) => {
    expect(parseObsoleteHttpDate(value, NOW)).toBeNull();
  });

  it('lets a Retry-After in either form set the delay', () => {
    expect(parseRetryAfter('Sunday, 29-Nov-26 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Sun Nov 29 12:00:30 2026', NOW)).toBe(30_000);
  });
});
