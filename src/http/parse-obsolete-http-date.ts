import { parseRfc2822Date } from './parse-rfc2822-date';

const DAY_NAMES = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
// rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT`
const RFC850 = new RegExp(`^(${DAY_NAMES}), (\\d{2})-${MONTH}-(\\d{2}) (\\d{2}:\\d{2}:\\d{2}) GMT$`);
// asctime-date: `Sun Nov  6 08:49:37 1994` (a one-digit day is padded with a space)
const ASCTIME = new RegExp(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) (\\d{2}:\\d{2}:\\d{2}) (\\d{4})$`);

/**
 * The two obsolete HTTP date forms a recipient must still read (RFC 9110 §5.6.7), rewritten into the IMF-fixdate
 * that parseRfc2822Date checks (day of week included). A two-digit year more than 50 years ahead of `now` is read in
 * the past century, as the RFC asks.
 */
export function parseObsoleteHttpDate(value: string, now: Date): Date | null {
  const rfc850 = RFC850.exec(value);
  if (rfc850) {
    const [, dayName, day, month, yy, time] = rfc850;
    let year = 2000 + Number(yy);
    if (year > now.getUTCFullYear() + 50) year -= 100;
    return parseRfc2822Date(`${dayName!.slice(0, 3)}, ${day} ${month} ${year} ${time} GMT`);
  }
  const asctime = ASCTIME.exec(value);
  if (asctime) {
    const [, dayName, month, day, time, year] = asctime;
    return parseRfc2822Date(`${dayName}, ${day!.trim()} ${month} ${year} ${time} GMT`);
  }
  return null;
}
