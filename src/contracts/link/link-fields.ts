import { z } from 'zod/mini';

/*
 * Field schemas shared by the link requests and responses, so the backend never serves what a PUT could not set.
 * They are built from a few zod primitives (regex and refine checks) rather than z.url/z.int/z.iso: the widget
 * bundle carries these schemas, and each extra zod format costs it about half a kilobyte gzipped.
 */

/** An amojo id (account chat id), as `APP.constant('account').amojo_id` gives it: 8-4-4-4-12 hex digits. */
export const amojoIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an amojo id (a UUID)'));

export const linkTitleMaxLength = 255;

/** The channel's display name in this account; amojo connect takes it as `title`. Trimmed before the length check. */
export const linkTitleSchema = z.string().check(
  z.trim(),
  z.refine((title) => title.length >= 1 && title.length <= linkTitleMaxLength, 'must be 1 to 255 characters'),
);

export const webhookUrlMaxLength = 2048;

/** True for an absolute http(s) URL with a host, the only kind the backend can deliver to. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^/?#\s]/i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Where the backend posts manager messages for this link. Any absolute http(s) URL parses here; the backend's
 * policy (https outside the sandbox, no private addresses) answers `webhook_url_not_allowed`.
 */
export const webhookUrlSchema = z.string().check(
  z.trim(),
  z.refine(
    (url) => url.length <= webhookUrlMaxLength && isHttpUrl(url),
    'must be an absolute http(s) URL of at most 2048 characters',
  ),
);

/** An ISO 8601 timestamp in UTC with a `Z` suffix, e.g. 2026-11-29T12:00:00.000Z. */
export const timestampSchema = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/, 'must be an ISO 8601 UTC timestamp'));

/** A safe integer within [min, max]. */
export function intSchema(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number()
    .check(
      z.refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, `must be an integer from ${min} to ${max}`),
    );
}

/** A string of at least `min` characters. */
export function minLengthString(min: number) {
  return z.string().check(z.refine((s) => s.length >= min, `must be at least ${min} characters`));
}
