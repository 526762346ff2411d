import { z } from 'zod/mini';
import { editMessageContent, embeddedMessage, messageContent } from './message-content';
import { nonEmptyString } from './non-empty-string';
import { participant } from './participant';
import { source } from './source';

const optional = z.exactOptional;
const unixSeconds = z.int().check(z.gte(0));
const unixMillis = z.int().check(z.gte(0));

/**
 * Payload of a new_message. Ids in this direction: `msgid` and `conversation_id` are OURS (a duplicate msgid is
 * refused, which makes it the idempotency key); `conversation_ref_id` is amojo's chat id and is only sent to bind a
 * write-first chat. Inbound messages carry only `sender`; outgoing imports add `receiver` (chats-api §1.4, §1.11).
 */
export const newMessagePayload = z.strictObject({
  timestamp: unixSeconds,
  msec_timestamp: unixMillis,
  msgid: nonEmptyString,
  conversation_id: nonEmptyString,
  conversation_ref_id: optional(nonEmptyString),
  silent: optional(z.boolean()),
  source: optional(source),
  sender: participant,
  receiver: optional(participant),
  message: messageContent,
  reply_to: optional(z.strictObject({ message: embeddedMessage })),
  forwards: optional(
    z.strictObject({
      // amojo forwards at most one message today ([ref] "Описание объекта forwards").
      messages: z.array(embeddedMessage).check(z.minLength(1), z.maxLength(1)),
      conversation_ref_id: optional(nonEmptyString),
      conversation_id: optional(nonEmptyString),
    }),
  ),
});

export const newMessageRequest = z.strictObject({ event_type: z.literal('new_message'), payload: newMessagePayload });

/**
 * Payload of an edit_message: the message is found by `id` (amojo's) and/or `msgid` (ours; with both, msgid becomes
 * the stored external id). sender, receiver, source, silent, reply_to and forwards are ignored by amojo on edits, so
 * they are rejected here rather than letting a caller believe an edit can change them.
 */
export const editMessagePayload = z
  .strictObject({
    timestamp: unixSeconds,
    msec_timestamp: unixMillis,
    id: optional(nonEmptyString),
    msgid: optional(nonEmptyString),
    conversation_id: optional(nonEmptyString),
    conversation_ref_id: optional(nonEmptyString),
    message: editMessageContent,
  })
  .check(
    z.refine((p) => p.id !== undefined || p.msgid !== undefined, {
      path: ['id'],
      message: 'needs id (amojo message id) or msgid (ours)',
    }),
  );

export const editMessageRequest = z.strictObject({
  event_type: z.literal('edit_message'),
  payload: editMessagePayload,
});

/** Everything POST /v2/origin/custom/{scope_id} accepts, told apart by `event_type`. */
export const messageEventRequest = z.discriminatedUnion('event_type', [newMessageRequest, editMessageRequest]);

/**
 * Answer to a new_message. THE ID-DIRECTION TRAP: here `msgid` is AMOJO's message id (the one delivery_status, react
 * `id` and edit `id` need) and `ref_id` is OURS, the reverse of the request where `payload.msgid` is ours
 * (chats-api §0). conversation_id and sender_id (ours) are in the reference example but missing from the
 * step-by-step one, so they are optional; `receiver_id` is null or absent for inbound messages.
 */
export const newMessageResponse = z.looseObject({
  new_message: z.looseObject({
    conversation_id: optional(z.string()),
    sender_id: optional(z.string()),
    receiver_id: optional(z.nullable(z.string())),
    msgid: nonEmptyString,
    ref_id: z.string(),
  }),
});
