import { z } from 'zod/mini';

const optional = z.exactOptional;
const optionalString = optional(z.string());

/**
 * What a manager (or bot) wrote, in the shapes inbound messages use. The schemas are loose: a receiver that parses
 * with them keeps working when a later release adds fields.
 */
const textContent = z.looseObject({ type: z.literal('text'), text: z.string() });
const mediaContent = z.looseObject({
  type: z.enum(['picture', 'video', 'file', 'voice', 'audio']),
  /** Download link on amoCRM's attachments host; fetch it soon, it is not meant to be permanent. */
  url: z.string(),
  thumbnail_url: optionalString,
  file_name: optionalString,
  file_size: optional(z.number()),
  duration: optional(z.number()),
  caption: optionalString,
});
const stickerContent = z.looseObject({ type: z.literal('sticker'), url: optionalString, sticker_id: optionalString });
const locationContent = z.looseObject({ type: z.literal('location'), lat: z.number(), lon: z.number() });
const contactContent = z.looseObject({ type: z.literal('contact'), name: optionalString, phone: optionalString });

export const bridgeOutboundContent = z.discriminatedUnion('type', [
  textContent,
  mediaContent,
  stickerContent,
  locationContent,
  contactContent,
]);

/** Inline keyboard: rows of buttons, each a reply button (`text` only) or a link (`url`). */
const markupButton = z.looseObject({ text: z.string(), url: optionalString });

/** WhatsApp-style List Message (Kommo.com Salesbot); the client's pick comes back as `callback_data`. */
const listMessage = z.looseObject({
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

/** A message this one quotes or forwards: by id when we know it, with whatever content amoCRM sent along. */
export const bridgeOutboundEmbedded = z.looseObject({
  /** amoCRM's message id (the `message_id` of an earlier event). */
  message_id: optionalString,
  /** The messenger's own id, when the quoted message came from the messenger. */
  id: optionalString,
  type: optionalString,
  text: optionalString,
  url: optionalString,
  file_name: optionalString,
  sender_name: optionalString,
  sent_at: optionalString,
});

const envelope = {
  /** Unique per event; a redelivery after a failed attempt carries the same id, so dedupe on it. */
  id: z.string(),
  created_at: z.string(),
};

const messageFields = {
  ...envelope,
  /** amoCRM's id of this message: name it in receipts, replies and reactions (`message_id`). */
  message_id: z.string(),
  /** amoCRM's user id of the author; `role: 'bot'` when the channel bot wrote it (absent when unknown). */
  sender: z.looseObject({ id: z.string(), name: optionalString, role: optional(z.enum(['manager', 'bot'])) }),
  message: bridgeOutboundContent,
  /** Set when the manager used a template; `message.text` is already rendered, `content` keeps the markers. */
  template: optional(
    z.looseObject({
      id: z.string(),
      external_id: optionalString,
      content: z.string(),
      params: z.array(z.looseObject({ key: z.string(), value: z.string() })),
    }),
  ),
  markup: optional(z.looseObject({ buttons: optional(z.array(z.array(markupButton))), list: optional(listMessage) })),
  reply_to: optional(bridgeOutboundEmbedded),
  forwarded: optional(z.array(bridgeOutboundEmbedded)),
  /** Several attachments sent together arrive as several events sharing this id. */
  media_group_id: optionalString,
  /** A public reply under a comment on this post (yours); `reply_to` names the comment. */
  post: optional(z.looseObject({ id: z.string() })),
  source: optionalString,
};

/** A manager message in a conversation the messenger named. */
export const bridgeMessageEvent = z.looseObject({
  ...messageFields,
  type: z.literal('message'),
  conversation: z.looseObject({ id: z.string(), amojo_chat_id: z.string() }),
  recipient: z.looseObject({ id: z.string(), phone: optionalString, name: optionalString }),
});

/**
 * "Write first": a manager started a conversation by phone. The messenger has no conversation for it yet: start one
 * with `recipient.phone` and answer with its `conversation_id` (and the `message_id` of the delivered copy). Until
 * it is named, each manager message in it comes as this event; key it by `conversation.amojo_chat_id`.
 */
export const bridgeConversationStartedEvent = z.looseObject({
  ...messageFields,
  type: z.literal('conversation.started'),
  conversation: z.looseObject({ amojo_chat_id: z.string() }),
  recipient: z.looseObject({ phone: z.string(), name: optionalString, amojo_user_id: optionalString }),
});

const conversationRef = z.looseObject({ id: optionalString, amojo_chat_id: z.string() });

/** A manager is typing; hide the indicator at `expires_at` unless another typing event comes. */
export const bridgeTypingEvent = z.looseObject({
  ...envelope,
  type: z.literal('typing'),
  conversation: conversationRef,
  sender: z.looseObject({ id: z.string() }),
  expires_at: z.string(),
  /** Set when the manager types a public reply under this post. */
  post_id: optionalString,
});

/** A manager set or removed their reaction on a message. */
export const bridgeReactionEvent = z.looseObject({
  ...envelope,
  type: z.literal('reaction'),
  conversation: conversationRef,
  sender: z.looseObject({ id: z.string() }),
  action: z.enum(['react', 'unreact']),
  emoji: optionalString,
  /** `message_id`: amoCRM's id; `id`: the messenger's own id when the message came from the messenger. */
  message: z.looseObject({ message_id: z.string(), id: optionalString }),
});

/** Sent from the widget's "Test" button: the webhook URL works and the signature verifies. */
export const bridgeTestEvent = z.looseObject({ ...envelope, type: z.literal('test'), text: optionalString });

/** Everything we POST to the messenger's webhook URL, told apart by `type`. */
export const bridgeOutboundEvent = z.discriminatedUnion('type', [
  bridgeMessageEvent,
  bridgeConversationStartedEvent,
  bridgeTypingEvent,
  bridgeReactionEvent,
  bridgeTestEvent,
]);
