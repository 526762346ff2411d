import { z } from 'zod/mini';

// With the `u` flag a surrogate pair is one code point, so only an unpaired half matches. (String.prototype
// isWellFormed is ES2024, beyond the lib this project compiles against.)
const loneSurrogate = /\p{Surrogate}/u;

/**
 * True when the database can keep the string exactly as sent. PostgreSQL refuses NUL in text ("invalid byte sequence
 * for encoding UTF8: 0x00") and a lone surrogate has no UTF-8 form at all (SQLite stores every one as U+FFFD, so two
 * different ids would become the same row).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !loneSurrogate.test(value);
}

/** The string with each lone surrogate replaced by U+FFFD, for places that must take any text (a header value). */
export function toWellFormedText(value: string): string {
  return value.replace(/\p{Surrogate}/gu, '\ufffd');
}

export const storableTextMessage = 'must not contain NUL or unpaired surrogate characters';

/** The check on every client-supplied string of the contracts, so bad text is a 400 naming the field, not a 500. */
export const storableText = z.refine<string>(isStorableText, { message: storableTextMessage });
