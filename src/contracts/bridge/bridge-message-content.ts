import { z } from 'zod/mini';
import { storableText } from '../storable-text';
import { bridgeId, bridgeText, bridgeUrl } from './bridge-fields';

const optional = z.exactOptional;
const byteSize = z.int().check(z.gte(0));
const seconds = z.int().check(z.gte(0));
const caption = optional(z.string().check(storableText));

const textContent = z.strictObject({
  type: z.literal('text'),
  text: bridgeText,
  /** The `callback_data` of the List Message row the client picked. */
  callback_data: optional(bridgeId),
  /** A post the client shared (Instagram-style); `preview_permalink` wins over the short-lived `preview_link`. */
  shared_post: optional(
    z.strictObject({
      url: bridgeUrl,
      preview_link: optional(bridgeUrl),
      preview_permalink: optional(bridgeUrl),
      site_name: optional(z.string().check(storableText)),
    }),
  ),
});

/** Pictures, videos and files: amojo needs the name and byte size up front. */
const fileContent = z.strictObject({
  type: z.enum(['picture', 'video', 'file']),
  url: bridgeUrl,
  file_name: bridgeText.check(z.maxLength(255)),
  file_size: byteSize,
  caption,
  duration: optional(seconds),
});

const soundContent = z.strictObject({
  type: z.enum(['voice', 'audio']),
  url: bridgeUrl,
  file_name: optional(bridgeText.check(z.maxLength(255))),
  file_size: optional(byteSize),
  duration: optional(seconds),
  caption,
});

const stickerContent = z
  .strictObject({ type: z.literal('sticker'), url: optional(bridgeUrl), sticker_id: optional(bridgeId) })
  .check(
    z.refine((s) => s.url !== undefined || s.sticker_id !== undefined, {
      path: ['url'],
      message: 'a sticker needs url or sticker_id',
    }),
  );

const locationContent = z.strictObject({
  type: z.literal('location'),
  lat: z.number().check(z.gte(-90), z.lte(90)),
  lon: z.number().check(z.gte(-180), z.lte(180)),
});

const contactContent = z.strictObject({
  type: z.literal('contact'),
  name: bridgeText.check(z.maxLength(255)),
  phone: bridgeText.check(z.maxLength(64)),
});

/**
 * What a client message says, one shape per type amojo accepts (text, picture, video, file, voice, audio, sticker,
 * location, contact). Media are links amojo downloads itself, so they must stay reachable for a while.
 */
export const bridgeMessageContent = z.discriminatedUnion('type', [
  textContent,
  fileContent,
  soundContent,
  stickerContent,
  locationContent,
  contactContent,
]);

/** The content types, in the order the docs list them. */
export const bridgeMessageTypes = [
  'text',
  'picture',
  'video',
  'file',
  'voice',
  'audio',
  'sticker',
  'location',
  'contact',
] as const;
