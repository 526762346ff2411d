import { z } from 'zod/mini';
import { phoneNumber } from '../../contracts/phone-number';

const optional = z.exactOptional;
const id = z.string().check(z.minLength(1));
const httpUrl = z.url({ protocol: /^https?$/ });
/**
 * The caller's id for one action (the inbox makes one per composed message): a repeat with the same id gets the
 * first answer back instead of a second message. Not an amoCRM field; the control API stands for amoCRM's UI.
 */
const requestId = optional(z.string().check(z.minLength(1), z.maxLength(128)));

const button = z.strictObject({ text: id, url: optional(httpUrl) });
const listMessage = z.strictObject({
  header: optional(z.string().check(z.maxLength(60))),
  body: z.string().check(z.maxLength(1024)),
  footer: optional(z.string().check(z.maxLength(60))),
  button: id,
  sections: z
    .array(
      z.strictObject({
        title: z.string().check(z.maxLength(24)),
        rows: z
          .array(z.strictObject({ callback_data: id, title: id, description: optional(z.string()) }))
          .check(z.minLength(1), z.maxLength(10)),
      }),
    )
    .check(z.minLength(1), z.maxLength(10)),
});

/** Keyboard of a hook (chat-webhooks "markup"): inline buttons, or a WhatsApp List Message. */
export const markupInput = z.union([
  z.strictObject({
    mode: z.literal('inline'),
    buttons: z.array(z.array(button).check(z.minLength(1))).check(z.minLength(1)),
  }),
  z.strictObject({ list_message: listMessage }),
]);

export const templateInput = z.strictObject({
  id: z.int(),
  external_id: optional(id),
  content: z.string(),
  params: z.array(z.strictObject({ key: id, value: z.string() })),
});

const MEDIA_TYPES = new Set(['file', 'video', 'picture', 'voice', 'audio', 'sticker']);

/** What a manager sends from amoCRM, in the hook's own field names. */
export const managerMessageInput = z
  .strictObject({
    type: z.enum(['text', 'file', 'video', 'picture', 'voice', 'audio', 'sticker']),
    text: optional(z.string()),
    media: optional(httpUrl),
    thumbnail: optional(httpUrl),
    file_name: optional(z.string()),
    file_size: optional(z.int().check(z.gte(0))),
    media_group_id: optional(id),
    markup: optional(markupInput),
    template: optional(templateInput),
  })
  .check(
    z.superRefine((m, ctx) => {
      if (m.type === 'text' && (m.text ?? '').trim() === '') {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'required for type text' });
      }
      if (MEDIA_TYPES.has(m.type) && m.media === undefined) {
        ctx.addIssue({ code: 'custom', path: ['media'], message: `required for type ${m.type}` });
      }
    }),
  );

export const sendMessageInput = z.strictObject({
  chatId: id,
  /** amojo id of a manager or the bot; the first manager when omitted. */
  senderId: optional(id),
  message: managerMessageInput,
  replyTo: optional(z.strictObject({ messageId: id })),
  forwards: optional(z.strictObject({ messageId: id })),
  /** Answer a comment publicly: our post id; text only. */
  postId: optional(id),
  requestId,
});

export const writeFirstInput = z.strictObject({
  scopeId: id,
  /** The contact's number as amoCRM holds it: E.164 digits, `+` optional, separators allowed; stored as given. */
  phone: phoneNumber,
  /** The contact's name; without one the client is named by its phone. */
  name: optional(z.string().check(z.refine((v) => v.trim() !== '', { message: 'must not be blank' }))),
  sourceExternalId: optional(z.string().check(z.regex(/^[\x20-\x7e]{1,40}$/))),
  senderId: optional(id),
  message: managerMessageInput,
  requestId,
});

export const typingInput = z.strictObject({ chatId: id, userId: optional(id), postId: optional(id) });

export const reactInput = z
  .strictObject({
    messageId: id,
    type: z.enum(['react', 'unreact']),
    emoji: optional(id),
    userId: optional(id),
    format: optional(z.enum(['msgid', 'message'])),
  })
  .check(
    z.refine((r) => r.type === 'unreact' || r.emoji !== undefined, { path: ['emoji'], message: 'required for react' }),
  );

const count = z.int().check(z.gte(1));

export const misbehaveInput = z.union([
  z.strictObject({
    status: z.int().check(z.gte(200), z.lte(599)),
    retryAfter: optional(z.int().check(z.gte(0))),
    count,
  }),
  z.strictObject({ stallMs: z.int().check(z.gte(0), z.lte(600_000)), count }),
]);

/** `drop`: hooks are recorded as `dropped` and never sent, as if the backend were down; `send` turns them back on. */
export const hookDeliveryInput = z.strictObject({ mode: z.enum(['send', 'drop']) });

export type SendMessageInput = z.input<typeof sendMessageInput>;
export type WriteFirstInput = z.input<typeof writeFirstInput>;
export type TypingInput = z.input<typeof typingInput>;
export type ReactInput = z.input<typeof reactInput>;
export type MisbehaveInput = z.input<typeof misbehaveInput>;
export type HookDeliveryInput = z.input<typeof hookDeliveryInput>;
