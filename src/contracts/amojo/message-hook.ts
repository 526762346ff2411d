import { z } from 'zod/mini';
import { dropNulls } from './drop-nulls';
import {
  hookId,
  hookText,
  looseContact,
  looseConversation,
  looseFileSize,
  looseId,
  looseLocation,
  looseParticipant,
} from './loose-fields';

const optional = z.exactOptional;
const optionalString = optional(z.string());

export const hookButton = z.looseObject({ text: z.string(), url: optionalString });

/** WhatsApp List Message (Kommo.com, Salesbot): the client's pick must come back as `message.callback_data`. */
export const hookListMessage = z.looseObject({
  header: optionalString,
  body: z.string(),
  footer: optionalString,
  button: optionalString,
  sections: z.array(
    z.looseObject({
      title: optionalString,
      rows: z.array(z.looseObject({ callback_data: z.string(), title: z.string(), description: optionalString })),
    }),
  ),
});

/** Keyboard: `mode` + `buttons` rows, or (List Message) `list_message` alone. The docs also send `markup: null`. */
export const hookMarkup = z.looseObject({
  mode: optionalString,
  buttons: optional(z.array(z.array(hookButton))),
  list_message: optional(hookListMessage),
});

/** `content` keeps the markers; `text` of the message is already rendered. The docs show `id` as a number. */
export const hookTemplate = z.looseObject({
  id: z.union([z.number(), z.string()]),
  external_id: optionalString,
  content: z.string(),
  params: optional(z.array(z.looseObject({ key: z.string(), value: z.string() }))),
});

const optionalId = optional(hookText);

const embeddedParticipant = z.looseObject({
  id: optionalId,
  ref_id: optionalId,
  client_id: optionalId,
  name: optionalString,
});

/** A quoted message inside a hook: `id` amojo's, `msgid` ours (when it came from us). Everything may be missing. */
export const hookEmbeddedMessage = z.looseObject({
  id: optionalId,
  msgid: optionalId,
  type: optionalString,
  text: optionalString,
  media: optionalString,
  thumbnail: optionalString,
  file_name: optionalString,
  file_size: optional(looseFileSize),
  media_duration: optional(z.number()),
  timestamp: optional(z.number()),
  msec_timestamp: optional(z.number()),
  sender: optional(embeddedParticipant),
  receiver: optional(embeddedParticipant),
  location: optional(looseLocation),
  contact: optional(looseContact),
});

/** The comment a manager answered publicly; `id` is the post id WE sent with the comment. */
export const hookPost = z.looseObject({ id: looseId });

/**
 * `message.message` of a v2 hook. `id` is amojo's message id: the key for delivery_status and for dedupe. `text` may
 * be empty for media; several attachments arrive as several hooks sharing `media_group_id`.
 */
export const hookMessageContent = z.looseObject({
  id: hookId,
  type: z.string().check(z.minLength(1)),
  text: optionalString,
  tag: optionalString,
  media: optionalString,
  thumbnail: optionalString,
  file_name: optionalString,
  file_size: optional(looseFileSize),
  media_duration: optional(z.number()),
  media_group_id: optionalId,
  markup: optional(hookMarkup),
  template: optional(hookTemplate),
  reply_to: optional(z.looseObject({ message: hookEmbeddedMessage })),
  forwards: optional(
    z.looseObject({
      messages: z.array(hookEmbeddedMessage),
      conversation_ref_id: optionalId,
      conversation_id: optionalId,
    }),
  ),
  post: optional(hookPost),
  location: optional(looseLocation),
  contact: optional(looseContact),
});

/**
 * Message hook v2: a manager (or bot) wrote to the client; also carries public comment replies (`message.message.post`).
 * Write-first chats come without `conversation.client_id` and `receiver.client_id`, with `receiver.phone` set to the
 * number the manager picked. Null-valued fields read as absent (see dropNulls).
 */
export const messageHook = z.pipe(
  z.transform(dropNulls),
  z.looseObject({
    account_id: z.string().check(z.minLength(1)),
    time: z.number(),
    message: z.looseObject({
      conversation: looseConversation,
      source: optional(z.looseObject({ external_id: optionalId })),
      sender: looseParticipant,
      receiver: looseParticipant,
      timestamp: z.number(),
      msec_timestamp: z.number(),
      message: hookMessageContent,
    }),
  }),
);
