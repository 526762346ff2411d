import { buildEmbeddedMessage } from './build-embedded-message';
import type { EmulatorStore } from './emulator-store';
import type { ChatRecord, ConnectionRecord, MessageRecord, ParticipantRecord } from './emulator-types';

export interface MessageHookInput {
  readonly connection: ConnectionRecord;
  readonly chat: ChatRecord;
  readonly sender: ParticipantRecord;
  readonly receiver: ParticipantRecord;
  readonly message: MessageRecord;
  readonly now: Date;
}

/**
 * Message hook v2 laid out like the chat-webhooks examples: receiver phone/email are "" when unknown,
 * conversation.client_id and receiver.client_id are absent for write-first chats, media fields are always
 * present, markup is null when there is none. Comment replies (message.post) also carry names, as in that example.
 * Write-first chats carry the receiver's name as well when the manager gave the contact one: the integration has no
 * other way to learn it, and a name that is only the phone again is left out.
 */
export function buildMessageHook(store: EmulatorStore, input: MessageHookInput): Record<string, unknown> {
  const { connection, chat, sender, receiver, message } = input;
  const content = message.content;
  const isCommentReply = content.post !== undefined;
  const body: Record<string, unknown> = {
    id: message.id,
    type: content.type,
    text: content.text,
    markup: content.markup ?? null,
    tag: '',
    media: content.media ?? '',
    thumbnail: content.thumbnail ?? '',
    file_name: content.file_name ?? '',
    file_size: content.file_size ?? 0,
  };
  for (const field of ['template', 'media_group_id', 'post'] as const) {
    if (content[field] !== undefined) body[field] = content[field];
  }
  if (message.replyTo) body.reply_to = { message: buildEmbeddedMessage(store, message.replyTo) };
  if (message.forwards) {
    const first = message.forwards[0];
    const fromChat = first?.chatId === undefined ? undefined : store.chats.get(first.chatId);
    body.forwards = {
      messages: message.forwards.map((embedded) => buildEmbeddedMessage(store, embedded)),
      ...(fromChat ? { conversation_ref_id: fromChat.id } : {}),
    };
  }
  const namedContact = chat.origin === 'write_first' && receiver.name !== '' && receiver.name !== receiver.phone;
  return {
    account_id: connection.accountId,
    time: Math.floor(input.now.getTime() / 1000),
    message: {
      receiver: {
        id: receiver.id,
        ...(isCommentReply ? { name: receiver.name } : { phone: receiver.phone ?? '', email: receiver.email ?? '' }),
        ...(namedContact && !isCommentReply ? { name: receiver.name } : {}),
        ...(receiver.clientId === undefined ? {} : { client_id: receiver.clientId }),
      },
      sender: isCommentReply ? { id: sender.id, name: sender.name } : { id: sender.id },
      conversation: {
        id: chat.id,
        ...(chat.conversationId === undefined ? {} : { client_id: chat.conversationId }),
      },
      ...(chat.sourceExternalId === undefined ? {} : { source: { external_id: chat.sourceExternalId } }),
      timestamp: message.timestamp,
      msec_timestamp: message.msecTimestamp,
      message: body,
    },
  };
}
