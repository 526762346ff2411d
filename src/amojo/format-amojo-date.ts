/**
 * The `Date` header amojo documents: RFC 2822 with a numeric `+0000` zone,
 * e.g. `Thu, 16 Dec 2021 13:15:29 +0000`. `toUTCString()` already yields the
 * padded RFC 7231 form; only its `GMT` zone differs from the documented one.
 */
export function formatAmojoDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
