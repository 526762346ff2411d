import { z } from 'zod/mini';
import { sourceExternalId } from '../amojo';
import { phoneNumber } from '../phone-number';
import { storableText } from '../storable-text';

const optional = z.exactOptional;

/** Maximum length of any id the messenger names its objects with. */
export const bridgeIdMaxLength = 255;

/** An id of the messenger's (message, conversation, user): any non-empty string; numbers are not accepted. */
export const bridgeId = z.string().check(z.minLength(1), z.maxLength(bridgeIdMaxLength), storableText);

/** A string that is not only whitespace: amojo shows names and texts, and a blank one reads as missing. */
export const bridgeText = z.string().check(
  storableText,
  z.refine((value) => value.trim() !== '', { message: 'must not be blank' }),
);

/** A link amojo (or the messenger) downloads itself, so only plain http(s) can work. */
export const bridgeUrl = z.url({ protocol: /^https?$/ }).check(storableText);

/**
 * A moment, as an ISO 8601 date-time with a zone (`2026-01-31T12:00:00Z`, `…+03:00`) or as Unix milliseconds.
 * Seconds are refused: a number below 10^11 is almost certainly seconds, and would land in 1973.
 */
export const bridgeTimestamp = z.union([
  z.iso.datetime({ offset: true }),
  z.int().check(z.gte(100_000_000_000), z.lte(9_999_999_999_999)),
]);

/** Unix milliseconds of a `bridgeTimestamp` value (already validated: an ISO date-time with a zone, or ms). */
export function bridgeTimestampToMillis(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/**
 * A client's phone number in international (E.164) form, with or without the `+`; spaces, dashes, dots and
 * parentheses between the digits are allowed. It is kept as sent: amoCRM compares it with the contact's number and
 * the write-first binding with the number amoCRM sent, so rewriting it could lose a match it used to find.
 */
export const bridgePhone = phoneNumber;

/** The messenger user who wrote (the client). `id` becomes our `sender.id` at amojo, so keep it stable. */
export const bridgeSender = z.strictObject({
  id: bridgeId,
  name: bridgeText.check(z.maxLength(255)),
  avatar: optional(bridgeUrl),
  phone: optional(bridgePhone),
  email: optional(bridgeText.check(z.maxLength(255))),
  profile_link: optional(bridgeUrl),
});

/**
 * The messenger's conversation. `id` becomes our `conversation_id` at amojo. `phone` is the client's number and
 * binds the first reply to a conversation a manager started by phone ("write first") that the messenger has not
 * named yet.
 */
export const bridgeConversation = z.strictObject({
  id: bridgeId,
  phone: optional(bridgePhone),
});

/**
 * A reference to a message: `id` is the messenger's own id (the one it posted a client message with, or the one it
 * returned when we delivered a manager message); `message_id` is the id we sent in an outbound `message` event.
 * Exactly one of the two.
 */
export const bridgeMessageRef = z.strictObject({ id: optional(bridgeId), message_id: optional(bridgeId) }).check(
  z.superRefine((ref, ctx) => {
    if ((ref.id === undefined) === (ref.message_id === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'give exactly one of id or message_id' });
    }
  }),
);

/** Source (sender number, landing…) the message came through; must exist at amoCRM as a source external id. */
export const bridgeSource = sourceExternalId;
