import type { EmulatorStore } from './emulator-store';
import type { EmbeddedMessage } from './emulator-types';

/** An embedded (quoted or forwarded) message as hooks carry it under reply_to / forwards. */
export function buildEmbeddedMessage(store: EmulatorStore, embedded: EmbeddedMessage): Record<string, unknown> {
  if (embedded.id === undefined) return { ...embedded.inline };
  const message = store.messages.get(embedded.id);
  if (!message) return { id: embedded.id };
  const sender = store.participants.get(message.senderId);
  const { type, text, media, thumbnail, file_name, file_size } = message.content;
  return {
    id: message.id,
    ...(message.msgid === undefined ? {} : { msgid: message.msgid }),
    type,
    text,
    ...(media === undefined ? {} : { media, thumbnail: thumbnail ?? '', file_name: file_name ?? '', file_size }),
    timestamp: message.timestamp,
    msec_timestamp: message.msecTimestamp,
    sender: {
      id: message.senderId,
      ...(sender ? { name: sender.name } : {}),
      ...(sender?.clientId === undefined ? {} : { client_id: sender.clientId }),
    },
  };
}
