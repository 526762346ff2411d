import type { EmbeddedMessage, MessageContent } from '../contracts/amojo';
import type { BridgeMessageContent } from '../contracts/bridge';

const caption = (text: string | undefined) => (text !== undefined && text.trim() !== '' ? { text } : {});

/** A client message's content in amojo's terms (`payload.message` of new_message and edit_message). */
export function toAmojoContent(content: BridgeMessageContent): MessageContent {
  switch (content.type) {
    case 'text': {
      const post = content.shared_post;
      return {
        type: 'text',
        text: content.text,
        ...(content.callback_data === undefined ? {} : { callback_data: content.callback_data }),
        ...(post === undefined
          ? {}
          : {
              shared_post: {
                url: post.url,
                type: 'post' as const,
                ...(post.preview_link === undefined ? {} : { preview_link: post.preview_link }),
                ...(post.preview_permalink === undefined ? {} : { preview_permalink: post.preview_permalink }),
                ...(post.site_name === undefined ? {} : { site_name: post.site_name }),
              },
            }),
      };
    }
    case 'picture':
    case 'video':
    case 'file':
    case 'voice':
    case 'audio':
      return {
        type: content.type,
        media: content.url,
        ...(content.file_name === undefined ? {} : { file_name: content.file_name }),
        ...(content.file_size === undefined ? {} : { file_size: content.file_size }),
        ...(content.duration === undefined ? {} : { media_duration: content.duration }),
        ...caption(content.caption),
      };
    case 'sticker':
      return {
        type: 'sticker',
        ...(content.url === undefined ? {} : { media: content.url }),
        ...(content.sticker_id === undefined ? {} : { sticker_id: content.sticker_id }),
      };
    case 'location':
      return { type: 'location', location: { lat: content.lat, lon: content.lon } };
    case 'contact':
      return { type: 'contact', contact: { name: content.name, phone: content.phone } };
  }
}

/**
 * A message quoted inline (a forward from a chat we never saw). amojo's embedded message has no media link, so an
 * attachment travels as its type, name and caption.
 */
export function toAmojoEmbedded(content: BridgeMessageContent, senderName: string, atMs: number): EmbeddedMessage {
  const full = toAmojoContent(content);
  return {
    type: full.type,
    ...(full.text === undefined ? {} : { text: full.text }),
    ...(full.file_name === undefined ? {} : { file_name: full.file_name }),
    ...(full.file_size === undefined ? {} : { file_size: full.file_size }),
    ...(full.media_duration === undefined ? {} : { media_duration: full.media_duration }),
    ...(full.location === undefined ? {} : { location: full.location }),
    ...(full.contact === undefined ? {} : { contact: full.contact }),
    timestamp: Math.floor(atMs / 1000),
    msec_timestamp: atMs,
    sender: { name: senderName },
  };
}
