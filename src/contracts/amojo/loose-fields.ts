import { z } from 'zod/mini';
import { storableText } from '../storable-text';

/**
 * Field shapes for what amojo SENDS us (responses, history, hooks), where tolerance beats precision: a message we
 * fail to read is a message lost.
 */

/**
 * An id amojo names something by. It becomes a dedupe key, an ordering key or a stored row, and a lone surrogate
 * or NUL cannot be stored as sent (SQLite keeps U+FFFD, PostgreSQL refuses NUL): two ids would become one, or a
 * hook answered 200 would be lost. amojo never sends such ids, so a hook with one is refused, naming the field.
 */
export const hookId = z.string().check(z.minLength(1), storableText);

/** A string that is stored or keyed on, and may be empty (client_id, emoji, name, phone). */
export const hookText = z.string().check(storableText);

/** Byte size as a number or as a numeric string; "" reads as 0, which is what amojo sends for "no file". */
export const looseFileSize = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\s*\d*\s*$/))]),
  z.transform((value: number | string) => (typeof value === 'number' ? value : Number(value.trim() || 0))),
);

/** An identifier that may arrive as a number (post ids are numeric on some platforms); always read as a string. */
export const looseId = z.pipe(
  z.union([hookId, z.number()]),
  z.transform((value: string | number) => String(value)),
);

export const looseLocation = z.looseObject({ lon: z.number(), lat: z.number() });

export const looseContact = z.looseObject({
  name: z.exactOptional(z.string()),
  phone: z.exactOptional(z.string()),
});

/**
 * A participant as amojo describes it: `id` is amojo's, `client_id` ours (absent for amoCRM users and write-first
 * clients). phone/email come as "" when the client never had a profile.
 */
export const looseParticipant = z.looseObject({
  id: hookId,
  client_id: z.exactOptional(hookText),
  ref_id: z.exactOptional(hookText),
  name: z.exactOptional(hookText),
  avatar: z.exactOptional(z.string()),
  phone: z.exactOptional(hookText),
  email: z.exactOptional(z.string()),
});

/** A chat as hooks name it: `id` is amojo's chat id, `client_id` our conversation_id (absent for write-first). */
export const looseConversation = z.looseObject({
  id: hookId,
  client_id: z.exactOptional(hookText),
});
