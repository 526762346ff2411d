import type { HistoryMessage } from '../contracts/amojo';
import type { Conversation } from '../store/conversations-repo';
import type { Participant } from '../store/participants-repo';

export interface MissedHookContext {
  /** The account's amojo id (the hook's `account_id`). */
  accountAmojoId: string;
  conversation: Conversation & { amojoChatId: string };
  /** Our client in the chat, when we know one: stands in for a history item that names no receiver. */
  participant: Participant | undefined;
}

/**
 * A manager message read from history, as the message hook v2 amojo would have sent for it (chats-api §3.4): the
 * same shape `parseAmojoWebhook` reads, so the relay delivers it exactly like a live hook. `conversation` carries our
 * conversation id (none for a write-first chat, as in its hooks), `receiver` is our client, `sender` the manager.
 * History has no markup, template, quote or post, so a recovered message comes without them. `time` is when the
 * message was sent, which is what the messenger is told as its `created_at`. Undefined when no receiver is known.
 */
export function buildMissedHook(item: HistoryMessage, context: MissedHookContext): Record<string, unknown> | undefined {
  const { conversation, participant } = context;
  const receiver = item.receiver ?? receiverOf(participant);
  if (receiver === undefined) return undefined;
  const { message } = item;
  const content: Record<string, unknown> = {
    id: message.id,
    type: message.type,
    text: message.text ?? '',
    media: message.media ?? '',
    thumbnail: message.thumbnail ?? '',
    file_name: message.file_name ?? '',
    file_size: message.file_size ?? 0,
  };
  if (message.media_group_id !== undefined && message.media_group_id !== '') {
    content.media_group_id = message.media_group_id;
  }
  if (message.location !== undefined) content.location = message.location;
  if (message.contact !== undefined) content.contact = message.contact;
  const source = conversation.sourceExternalId;
  return {
    account_id: context.accountAmojoId,
    time: item.timestamp,
    message: {
      receiver: {
        id: receiver.id,
        // A write-first chat is addressed by the phone the manager picked; history may leave it out.
        phone: receiver.phone || conversation.phone || '',
        email: receiver.email ?? '',
        ...(receiver.name === undefined ? {} : { name: receiver.name }),
        ...(receiver.client_id === undefined || receiver.client_id === '' ? {} : { client_id: receiver.client_id }),
      },
      sender: { id: item.sender.id, ...(item.sender.name === undefined ? {} : { name: item.sender.name }) },
      conversation: {
        id: conversation.amojoChatId,
        ...(conversation.conversationId === null ? {} : { client_id: conversation.conversationId }),
      },
      ...(source === null ? {} : { source: { external_id: source } }),
      timestamp: item.timestamp,
      msec_timestamp: item.msec_timestamp ?? item.timestamp * 1000,
      message: content,
    },
  };
}

function receiverOf(participant: Participant | undefined) {
  if (!participant?.amojoUserId) return undefined;
  return {
    id: participant.amojoUserId,
    phone: participant.phone ?? undefined,
    email: undefined,
    name: participant.name ?? undefined,
    client_id: participant.clientId ?? undefined,
  };
}
