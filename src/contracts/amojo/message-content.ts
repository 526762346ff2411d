import { z } from 'zod/mini';
import { checkDeliveryError, deliveryErrorCode, deliveryStatusCode } from './delivery-status';
import { nonEmptyString } from './non-empty-string';

const optional = z.exactOptional;

/** The nine content types amojo accepts in new_message ([ref] "Описание объекта message"). */
export const messageType = z.enum([
  'text',
  'contact',
  'file',
  'video',
  'picture',
  'voice',
  'audio',
  'sticker',
  'location',
]);
export type MessageType = z.infer<typeof messageType>;

export const messageLocation = z.strictObject({
  lon: z.number().check(z.gte(-180), z.lte(180)),
  lat: z.number().check(z.gte(-90), z.lte(90)),
});

export const messageContact = z.strictObject({ name: nonEmptyString, phone: nonEmptyString });

/** amojo downloads `media` itself, so only a plain http(s) link can work. */
const mediaUrl = z.url({ protocol: /^https?$/ });
const byteSize = z.int().check(z.gte(0));
const seconds = z.int().check(z.gte(0));

/** A post the client shared in a DM; `preview_permalink` wins over the temporary `preview_link` when both are given. */
export const sharedPost = z.strictObject({
  url: nonEmptyString,
  preview_link: optional(nonEmptyString),
  preview_permalink: optional(nonEmptyString),
  type: z.literal('post'),
  site_name: optional(z.string()),
});

/** Present only on comments: the post (ours) the comment belongs to; each post gets its own talk in amoCRM. */
export const messagePost = z.strictObject({
  id: nonEmptyString,
  url: nonEmptyString,
  preview_url: optional(nonEmptyString),
  preview_permalink: optional(nonEmptyString),
  username: optional(z.string()),
  caption: optional(z.string()),
});

const contentShape = {
  type: messageType,
  text: optional(z.string()),
  media: optional(mediaUrl),
  file_name: optional(nonEmptyString),
  file_size: optional(byteSize),
  sticker_id: optional(nonEmptyString),
  location: optional(messageLocation),
  contact: optional(messageContact),
  callback_data: optional(nonEmptyString),
  media_duration: optional(seconds),
  shared_post: optional(sharedPost),
  post: optional(messagePost),
};

type ContentFields = { [K in keyof typeof contentShape]?: unknown } & { type: MessageType; text?: string };
type Ctx = z.core.$RefinementCtx;

function need(ctx: Ctx, value: unknown, field: string, type: string): void {
  if (value === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for type ${type}` });
}

/** Requirements shared by new and edited content: what the message IS cannot be left out, even on an edit. */
function requireCore(m: ContentFields, ctx: Ctx): void {
  if (m.type === 'text' && (m.text === undefined || m.text.trim() === '')) {
    ctx.addIssue({ code: 'custom', path: ['text'], message: 'required (non-empty) for type text' });
  }
  if (m.type === 'location') need(ctx, m.location, 'location', m.type);
  if (m.type === 'contact') need(ctx, m.contact, 'contact', m.type);
}

/** On new messages the attachment must be complete; on edits it may be left out when the file is unchanged. */
function requireMedia(m: ContentFields, ctx: Ctx): void {
  if (m.type === 'file' || m.type === 'video' || m.type === 'picture') {
    need(ctx, m.media, 'media', m.type);
    need(ctx, m.file_name, 'file_name', m.type);
    need(ctx, m.file_size, 'file_size', m.type);
  }
  if (m.type === 'voice' || m.type === 'audio') need(ctx, m.media, 'media', m.type);
  if (m.type === 'sticker' && m.media === undefined && m.sticker_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['media'], message: 'type sticker needs media or sticker_id' });
  }
}

/** `payload.message` of a new_message request. */
export const messageContent = z.strictObject(contentShape).check(
  z.superRefine((m, ctx) => {
    requireCore(m, ctx);
    requireMedia(m, ctx);
  }),
);

/** Status update carried by an edit (`status_code` here, unlike the delivery_status endpoint's `delivery_status`). */
export const editDeliveryStatus = z
  .strictObject({
    status_code: deliveryStatusCode,
    error_code: optional(deliveryErrorCode),
    error: optional(z.string()),
  })
  .check(z.superRefine((s, ctx) => checkDeliveryError(s.status_code, s, ctx)));

/** `payload.message` of an edit_message request: media fields may be omitted when the file does not change. */
export const editMessageContent = z
  .strictObject({ ...contentShape, delivery_status: optional(editDeliveryStatus) })
  .check(z.superRefine((m, ctx) => requireCore(m, ctx)));

/** Short author of an inline quoted message: any one of our id, amojo's ref_id or a display name. */
export const embeddedUser = z
  .strictObject({ id: optional(nonEmptyString), ref_id: optional(nonEmptyString), name: optional(nonEmptyString) })
  .check(
    z.refine((u) => u.id !== undefined || u.ref_id !== undefined || u.name !== undefined, {
      message: 'needs id, ref_id or name',
    }),
  );

/**
 * Item of `reply_to.message` / `forwards.messages` (chats-api §3.2c). Either a reference, `id` (amojo) or `msgid`
 * (ours), after which amojo fills in the rest and the card can scroll to it; or the full quoted message inline.
 */
export const embeddedMessage = z
  .strictObject({
    id: optional(nonEmptyString),
    msgid: optional(nonEmptyString),
    type: optional(messageType),
    text: optional(z.string()),
    file_name: optional(nonEmptyString),
    file_size: optional(byteSize),
    media_duration: optional(seconds),
    location: optional(messageLocation),
    contact: optional(messageContact),
    timestamp: optional(z.int().check(z.gte(0))),
    msec_timestamp: optional(z.int().check(z.gte(0))),
    sender: optional(embeddedUser),
  })
  .check(
    z.superRefine((m, ctx) => {
      if (m.id !== undefined || m.msgid !== undefined) return;
      for (const field of ['type', 'timestamp', 'msec_timestamp', 'sender'] as const) {
        if (m[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'required unless id or msgid is given' });
        }
      }
      if (m.type !== undefined) requireCore({ ...m, type: m.type }, ctx);
    }),
  );
