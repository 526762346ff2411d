import { z } from 'zod/mini';

/**
 * What people type between digits: spaces (also no-break), dashes, dots and parentheses (`+7 (916) 123-45-67`).
 * Not tabs or line breaks: the number is forwarded to amojo as sent.
 */
const separators = /[ \u00a0\-.()]/g;

/**
 * E.164: a country code (never starting with 0) and the subscriber number, 7 to 15 digits in all (Niue's numbers
 * are 7: `+683 4002`). The `+` may be left out, because amoCRM writes numbers without it (`79161234567` in its own
 * hook examples) and a write-first chat is bound by comparing the phone with the one amoCRM sent.
 */
const e164 = /^\+?[1-9]\d{6,14}$/;

/** The longest phone accepted as typed, separators included. */
export const phoneMaxLength = 64;

export const phoneNumberMessage =
  'must be a phone number in international (E.164) form: country code and number, 7 to 15 digits, e.g. +79161234567';

/**
 * The number without separators (`+7 (916) 123-45-67` -> `+79161234567`), or null when it is not a phone: letters,
 * too few or too many digits, a national number starting with 0. A leading `+` is kept when given, never added.
 */
export function normalizePhone(raw: string): string | null {
  if (raw.length > phoneMaxLength) return null;
  // `00` is how much of the world dials the international prefix: the same number as with `+`.
  const compact = raw.trim().replace(separators, '').replace(/^00/, '+');
  return e164.test(compact) ? compact : null;
}

/** Whether two numbers are one phone however written: with or without `+`, spaces, dashes, dots, parentheses. */
export function samePhoneNumber(a: string, b: string): boolean {
  const left = normalizePhone(a);
  return left !== null && left.replace('+', '') === normalizePhone(b)?.replace('+', '');
}

/** True for anything normalizePhone accepts. */
export function isPhoneNumber(raw: string): boolean {
  return normalizePhone(raw) !== null;
}

/**
 * A phone field checked in E.164 form but kept as sent, so it still matches the number amoCRM stored. The length
 * has its own message (and shows in the OpenAPI schema), so the E.164 check does not repeat it.
 */
export const phoneNumber = z.string().check(
  z.maxLength(phoneMaxLength),
  z.refine((value) => value.length > phoneMaxLength || isPhoneNumber(value), { message: phoneNumberMessage }),
);
