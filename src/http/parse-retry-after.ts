import { parseObsoleteHttpDate } from './parse-obsolete-http-date';
import { parseRfc2822Date } from './parse-rfc2822-date';

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseRfc2822Date(text) ?? parseObsoleteHttpDate(text, now);
  return at ? Math.max(0, at.getTime() - now.getTime()) : null;
}
