import { z } from 'zod/mini';
import { storableText } from '../storable-text';
import { bridgeContactHint } from './bridge-contact-hint';
import {
  bridgeConversation,
  bridgeId,
  bridgeMessageRef,
  bridgeSender,
  bridgeSource,
  bridgeText,
  bridgeTimestamp,
  bridgeUrl,
} from './bridge-fields';
import { bridgeMessageContent } from './bridge-message-content';

const optional = z.exactOptional;

/** A forward of a message we know (by reference; any conversation of the same link). */
const forwardRef = z
  .strictObject({ id: optional(bridgeId), message_id: optional(bridgeId), conversation_id: optional(bridgeId) })
  .check(
    z.superRefine((ref, ctx) => {
      if ((ref.id === undefined) === (ref.message_id === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['id'], message: 'give exactly one of id or message_id' });
      }
    }),
  );

/** A forward of a message we never saw (another chat, another platform): its content travels inline. */
const forwardInline = z.strictObject({
  sender_name: bridgeText.check(z.maxLength(255)),
  sent_at: optional(bridgeTimestamp),
  message: bridgeMessageContent,
});

export const bridgeForward = z.union([forwardRef, forwardInline]);

/** The social post a comment belongs to: each post gets its own talk in amoCRM, in the client's chat. */
export const bridgePost = z.strictObject({
  id: bridgeId,
  url: bridgeUrl,
  preview_url: optional(bridgeUrl),
  preview_permalink: optional(bridgeUrl),
  username: optional(z.string().check(z.maxLength(255), storableText)),
  caption: optional(z.string().check(storableText)),
});

/**
 * POST /bridge/v1/messages: a client wrote. `id` is the messenger's message id and the idempotency key: posting the
 * same id again is a no-op (202, `duplicate: true`), with a different body a 409. `silent: true` imports the
 * message without an incoming lead or a notification. `post` marks the message as a comment under that post.
 * `contact` names the amoCRM contact the client is known as (bridge-contact-hint.ts).
 */
export const bridgeMessageRequest = z.strictObject({
  id: bridgeId,
  conversation: bridgeConversation,
  sender: bridgeSender,
  message: bridgeMessageContent,
  reply_to: optional(bridgeMessageRef),
  forward: optional(bridgeForward),
  post: optional(bridgePost),
  silent: optional(z.boolean()),
  sent_at: optional(bridgeTimestamp),
  source: optional(bridgeSource),
  contact: optional(bridgeContactHint),
});

/**
 * POST /bridge/v1/messages/{id}/edit: the client edited message `{id}` (the messenger's id). Edits never notify.
 * `edited_at` tells edits of one message apart: a repeat with the same `edited_at` (or, without it, the same
 * content) is a no-op, the same `edited_at` with other content a 409.
 */
export const bridgeEditRequest = z.strictObject({
  message: bridgeMessageContent,
  edited_at: optional(bridgeTimestamp),
});

/** POST /bridge/v1/typing: the client is typing; throttled to one call to amoCRM per conversation every 3 s. */
export const bridgeTypingRequest = z.strictObject({
  conversation: z.strictObject({ id: bridgeId }),
  sender: z.strictObject({ id: bridgeId }),
  /** How long the indicator shows; amoCRM assumes 5000 ms. */
  duration_ms: optional(z.int().check(z.gte(1000), z.lte(30_000))),
});

/**
 * POST /bridge/v1/reactions: the client set (`react`, with `emoji`) or removed (`unreact`) their reaction on a
 * message of the conversation. `id` (the messenger's reaction event id) makes a retry a no-op; without it every call
 * is passed on, which is harmless because a user holds one reaction per message.
 */
export const bridgeReactionRequest = z
  .strictObject({
    id: optional(bridgeId),
    sender: z.strictObject({ id: bridgeId }),
    message: bridgeMessageRef,
    type: z.enum(['react', 'unreact']),
    emoji: optional(z.string().check(z.minLength(1), z.maxLength(32), storableText)),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (r.type === 'react' && r.emoji === undefined) {
        ctx.addIssue({ code: 'custom', path: ['emoji'], message: 'required for type react' });
      }
      if (r.type === 'unreact' && r.emoji !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['emoji'], message: 'must be omitted for type unreact' });
      }
    }),
  );
