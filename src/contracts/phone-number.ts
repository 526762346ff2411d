import { z } from 'zod/mini';

/** What people type between digits: spaces, dashes, dots and parentheses (`+7 (916) 123-45-67`). */
const separators = /[\s\-.()]/g;

/**
 * E.164: a country code (never starting with 0) and the subscriber number, 8 to 15 digits in all. The `+` may be
 * left out, because amoCRM writes numbers without it (`79161234567` in its own hook examples) and a write-first
 * chat is bound by comparing the phone with the one amoCRM sent.
 */
const e164 = /^\+?[1-9]\d{7,14}$/;

/** The longest phone accepted as typed, separators included. */
export const phoneMaxLength = 64;

export const phoneNumberMessage =
  'must be a phone number in international (E.164) form: country code and number, 8 to 15 digits, e.g. +79161234567';

/**
 * The number without separators (`+7 (916) 123-45-67` -> `+79161234567`), or null when it is not a phone: letters,
 * too few or too many digits, a national number starting with 0. A leading `+` is kept when given, never added.
 */
export function normalizePhone(raw: string): string | null {
  if (raw.length > phoneMaxLength) return null;
  const compact = raw.trim().replace(separators, '');
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
