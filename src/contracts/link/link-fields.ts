import { z } from 'zod/mini';

/*
 * Field schemas shared by the link requests and responses, so the backend never serves what a PUT could not set.
 * They are built from a few zod primitives (regex and refine checks) rather than z.url/z.int/z.iso: the widget
 * bundle once carried these schemas, and each extra zod format costs it about half a kilobyte gzipped. The widget now
 * imports only the predicates (`isLinkTitle`, `isWebhookUrl`) and the limits; each schema is marked pure, so a bundle
 * that does not use it drops it, checks and messages included.
 */

/** An amojo id (account chat id), as `APP.constant('account').amojo_id` gives it: 8-4-4-4-12 hex digits. */
export const amojoIdSchema = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an amojo id (a UUID)'));

export const linkTitleMaxLength = 255;

/** True for a title of 1 to 255 characters; the schema and the widget's form apply it to the trimmed title. */
export function isLinkTitle(title: string): boolean {
  return title.length >= 1 && title.length <= linkTitleMaxLength;
}

/** The channel's display name in this account; amojo connect takes it as `title`. Trimmed before the length check. */
export const linkTitleSchema = /* @__PURE__ */ z
  .string()
  .check(z.trim(), z.refine(isLinkTitle, 'must be 1 to 255 characters'));

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

/** True for an absolute http(s) URL of at most 2048 characters; applied to the trimmed URL, as the schema does. */
export function isWebhookUrl(url: string): boolean {
  return url.length <= webhookUrlMaxLength && isHttpUrl(url);
}

/**
 * Where the backend posts manager messages for this link. Any absolute http(s) URL parses here; the backend's
 * policy (https outside the sandbox, no private addresses) answers `webhook_url_not_allowed`.
 */
export const webhookUrlSchema = /* @__PURE__ */ z
  .string()
  .check(z.trim(), z.refine(isWebhookUrl, 'must be an absolute http(s) URL of at most 2048 characters'));

/** An ISO 8601 timestamp in UTC with a `Z` suffix, e.g. 2026-11-29T12:00:00.000Z. */
export const timestampSchema = /* @__PURE__ */ z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/, 'must be an ISO 8601 UTC timestamp'));

/** A safe integer within [min, max]. Marked pure so a bundle that drops the schema drops the call too. */
/* @__NO_SIDE_EFFECTS__ */
export function intSchema(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number()
    .check(
      z.refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, `must be an integer from ${min} to ${max}`),
    );
}

/** A string of at least `min` characters. */
/* @__NO_SIDE_EFFECTS__ */
export function minLengthString(min: number) {
  return z.string().check(z.refine((s) => s.length >= min, `must be at least ${min} characters`));
}
