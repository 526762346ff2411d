import { z } from 'zod/mini';

/** A string with at least one character: amojo treats "" like a missing value, so we never send one. */
export const nonEmptyString = z.string().check(z.minLength(1));
