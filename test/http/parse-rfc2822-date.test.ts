import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmojoDate } from '../../src/amojo/format-amojo-date';
import { parseRfc2822Date } from '../../src/http/parse-rfc2822-date';

describe('parseRfc2822Date', () => {
  it.each([
    ['Wed, 15 Dec 2021 23:12:55 +0000', '2021-12-15T23:12:55.000Z'],
    ['Wed, 15 Dec 2021 23:12:55 GMT', '2021-12-15T23:12:55.000Z'],
    ['15 Dec 2021 23:12:55 UT', '2021-12-15T23:12:55.000Z'],
    ['Thu, 16 Dec 2021 02:12:55 +0300', '2021-12-15T23:12:55.000Z'],
    ['Wed, 15 Dec 2021 18:42 -0430', '2021-12-15T23:12:00.000Z'],
    ['Wed, 5 Jan 2022 00:00:00 +0000', '2022-01-05T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseRfc2822Date(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2021-12-15T23:12:55Z',
    'Wed, 15 Dec 2021 23:12:55 +03:00',
    'Thu, 15 Dec 2021 23:12:55 +0000',
    'Wed, 31 Feb 2021 23:12:55 +0000',
    'Wed, 15 Dec 2021 24:00:00 +0000',
    'Wed, 15 Dec 2021 23:12:55 EST',
    '',
  ])('refuses %j', (text) => {
    expect(parseRfc2822Date(text)).toBeNull();
  });

  it('reads back whatever formatAmojoDate writes (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), (d) => {
        const seconds = new Date(Math.floor(d.getTime() / 1000) * 1000);
        expect(parseRfc2822Date(formatAmojoDate(seconds))?.getTime()).toBe(seconds.getTime());
      }),
    );
  });
});
