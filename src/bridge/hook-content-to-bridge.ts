import type { MessageHook } from '../contracts/amojo';
import type { BridgeOutboundContent, BridgeOutboundEmbedded, BridgeOutboundEvent } from '../contracts/bridge';
import { messengerIdFromMsgid } from './bridge-msgid';

type HookContent = MessageHook['message']['message'];
type HookEmbedded = NonNullable<HookContent['reply_to']>['message'];
type MessageEvent = Extract<BridgeOutboundEvent, { type: 'message' }>;

/** amojo sends "" and 0 for "no value"; neither should reach the messenger as if it meant something. */
const text = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const size = (value: number | undefined) => (value === undefined || value <= 0 ? undefined : value);

function put<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target;
}

const MEDIA_TYPES = new Set(['picture', 'video', 'file', 'voice', 'audio']);

/**
 * A manager message's content in the bridge's shapes. Types the bridge does not name degrade rather than fail: with
 * a media link they become a file, otherwise text; a location or contact without its data becomes its text.
 */
export function hookContentToBridge(content: HookContent): BridgeOutboundContent {
  const media = text(content.media);
  const caption = text(content.text);
  if (content.type === 'location' && content.location) {
    return { type: 'location', lat: content.location.lat, lon: content.location.lon };
  }
  if (content.type === 'contact' && content.contact) {
    const contact = { type: 'contact' as const };
    put(contact, 'name', text(content.contact.name));
    return put(contact, 'phone', text(content.contact.phone));
  }
  if (content.type === 'sticker' && media !== undefined) return { type: 'sticker', url: media };
  if (media !== undefined) {
    const type = MEDIA_TYPES.has(content.type) ? (content.type as 'picture') : 'file';
    const out: BridgeOutboundContent = { type, url: media };
    put(out, 'thumbnail_url', text(content.thumbnail));
    put(out, 'file_name', text(content.file_name));
    put(out, 'file_size', size(content.file_size));
    put(out, 'duration', size(content.media_duration));
    return put(out, 'caption', caption);
  }
  return { type: 'text', text: content.text ?? '' };
}

/**
 * A quoted or forwarded message. `msgid` is ours, so for a client message it gives back the messenger's id;
 * `messengerIds` (amojo id -> messenger id, from our store) covers manager messages the messenger named.
 */
export function hookEmbeddedToBridge(
  embedded: HookEmbedded,
  linkId: string,
  messengerIds: Readonly<Record<string, string>> = {},
): BridgeOutboundEmbedded {
  const out: BridgeOutboundEmbedded = {};
  put(out, 'message_id', text(embedded.id));
  const byId = embedded.id === undefined ? undefined : messengerIds[embedded.id];
  put(out, 'id', messengerIdFromMsgid(linkId, embedded.msgid) ?? byId);
  put(out, 'type', text(embedded.type));
  put(out, 'text', text(embedded.text));
  put(out, 'url', text(embedded.media));
  put(out, 'file_name', text(embedded.file_name));
  put(out, 'sender_name', text(embedded.sender?.name));
  const ms = embedded.msec_timestamp ?? (embedded.timestamp === undefined ? undefined : embedded.timestamp * 1000);
  return put(out, 'sent_at', ms === undefined ? undefined : isoOrUndefined(ms));
}

/** ISO 8601 of a Unix ms time; undefined for a time no Date can hold. */
export function isoOrUndefined(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Keyboard and List Message; undefined when the hook's markup holds neither (the docs also send `markup: null`). */
export function hookMarkupToBridge(markup: HookContent['markup']): MessageEvent['markup'] {
  if (markup === undefined) return undefined;
  const out: NonNullable<MessageEvent['markup']> = {};
  if (markup.buttons !== undefined && markup.buttons.length > 0) {
    out.buttons = markup.buttons.map((row) => row.map((b) => put({ text: b.text }, 'url', text(b.url))));
  }
  if (markup.list_message !== undefined) out.list = markup.list_message;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Template metadata; the message text is already rendered by amoCRM. */
export function hookTemplateToBridge(template: HookContent['template']): MessageEvent['template'] {
  if (template === undefined) return undefined;
  const out = { id: String(template.id), content: template.content, params: template.params ?? [] };
  return put(out, 'external_id', text(template.external_id));
}
