const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// RFC 2822 §3.3: optional day name, 1-2 digit day, month name, 4-digit year, hh:mm[:ss], zone.
// `GMT`/`UT`/`UTC` are the obsolete zone names servers still send; others (EST…) are refused.
const RFC2822 =
  /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC?)$/;

/**
 * Parses an RFC 2822 date strictly. `Date.parse` is not used on purpose: it also
 * accepts ISO strings and locale forms that amojo refuses.
 */
export function parseRfc2822Date(value: string): Date | null {
  const m = RFC2822.exec(value.trim());
  if (!m) return null;
  const [, dayName, day, month, year, hh, mm, ss = '0', zone] = m;
  const monthIndex = MONTHS.indexOf(month!);
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)];
  if (h > 23 || min > 59 || s > 60) return null;
  let offsetMinutes = 0;
  if (zone!.startsWith('+') || zone!.startsWith('-')) {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const zh = Number(zone!.slice(1, 3));
    const zm = Number(zone!.slice(3, 5));
    if (zm > 59) return null;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const local = Date.UTC(Number(year), monthIndex, Number(day), h, min, Math.min(s, 59));
  const probe = new Date(local);
  // Reject 31 Feb and friends: Date.UTC silently rolls them over.
  if (probe.getUTCDate() !== Number(day) || probe.getUTCMonth() !== monthIndex) return null;
  if (dayName !== undefined && DAYS[probe.getUTCDay()] !== dayName) return null;
  return new Date(local - offsetMinutes * 60_000);
}
