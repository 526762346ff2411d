import type { z } from 'zod/mini';
import type { newMessageRequest } from '../../contracts/amojo';
import { type ApiResponse, jsonResponse } from './api-response';
import type { EmulatorContext } from './emulator-context';
import type { ChatRecord, ConnectionRecord, EmbeddedMessage, MessageRecord } from './emulator-types';
import { badField, notFound } from './error-responses';
import { resolveEmbedded, resolveForwards } from './resolve-embedded';
import { commitClient, resolveAmoUser, resolveClient } from './resolve-participants';
import { toMessageContent } from './to-message-content';

type NewMessagePayload = z.output<typeof newMessageRequest>['payload'];

/** Exact error_type of the duplicate-msgid 400; clients may match it (README "Duplicate msgid"). */
export const DUPLICATE_MSGID_ERROR = 'duplicate_msgid';

/**
 * new_message: stores the message, creating the chat for an unknown conversation_id and the client for an unknown
 * user id. Everything is validated before anything is stored, so a refused request leaves no trace.
 */
export function handleNewMessage(
  ctx: EmulatorContext,
  connection: ConnectionRecord,
  payload: NewMessagePayload,
): ApiResponse {
  const { store } = ctx;
  const scopeId = connection.scopeId;
  if (store.findMessageByMsgid(scopeId, payload.msgid)) {
    return badField(
      'payload.msgid',
      `a message with msgid "${payload.msgid}" already exists in this scope`,
      DUPLICATE_MSGID_ERROR,
    );
  }

  let chat = store.findChatByConversation(scopeId, payload.conversation_id);
  let bindConversation = false;
  if (payload.conversation_ref_id !== undefined) {
    const refChat = store.findChatInScope(scopeId, payload.conversation_ref_id);
    if (!refChat) return notFound(`chat ${payload.conversation_ref_id}`);
    if (chat && chat !== refChat) {
      return badField('payload.conversation_id', `already belongs to chat ${chat.id}, not to conversation_ref_id`);
    }
    if (refChat.conversationId !== undefined && refChat.conversationId !== payload.conversation_id) {
      return badField(
        'payload.conversation_ref_id',
        `chat is already bound to conversation_id "${refChat.conversationId}"`,
      );
    }
    bindConversation = refChat.conversationId === undefined;
    chat = refChat;
  }

  const incoming = payload.receiver === undefined;
  const clientInput = payload.receiver ?? payload.sender;
  const clientPlan = resolveClient(
    store,
    scopeId,
    clientInput,
    incoming ? 'payload.sender' : 'payload.receiver',
    ctx.newId,
  );
  if (!clientPlan.ok) return clientPlan.response;
  const author = incoming ? undefined : resolveAmoUser(store, scopeId, payload.sender, 'payload.sender');
  if (author && !author.ok) return author.response;

  const sameChat = { chatId: chat?.id, rule: 'reply_to must quote a message of the same chat' };
  let replyTo: EmbeddedMessage | undefined;
  if (payload.reply_to) {
    const resolved = resolveEmbedded(store, scopeId, payload.reply_to.message, 'payload.reply_to.message', sameChat);
    if (!resolved.ok) return resolved.response;
    replyTo = resolved.value;
  }
  let forwards: readonly EmbeddedMessage[] | undefined;
  if (payload.forwards) {
    const resolved = resolveForwards(store, scopeId, payload.forwards, 'payload.forwards');
    if (!resolved.ok) return resolved.response;
    forwards = resolved.value;
  }

  const client = commitClient(store, clientPlan.value);
  const target = chat ?? createChat(ctx, scopeId, payload, client.id);
  if (bindConversation) store.bindConversation(target, payload.conversation_id);
  if (target.sourceExternalId === undefined && payload.source !== undefined) {
    target.sourceExternalId = payload.source.external_id;
  }
  const message: MessageRecord = {
    id: ctx.newId(),
    msgid: payload.msgid,
    chatId: target.id,
    scopeId,
    direction: incoming ? 'incoming' : 'outgoing',
    senderId: author?.ok ? author.value.id : client.id,
    ...(incoming ? {} : { receiverId: client.id }),
    content: toMessageContent(payload.message),
    timestamp: payload.timestamp,
    msecTimestamp: payload.msec_timestamp,
    silent: payload.silent ?? false,
    origin: 'api',
    ...(replyTo ? { replyTo } : {}),
    ...(forwards ? { forwards } : {}),
    deliveryStatus: null,
    statusHistory: [],
    reactions: [],
  };
  store.addMessage(message);
  return jsonResponse(200, {
    new_message: {
      conversation_id: payload.conversation_id,
      sender_id: payload.sender.id,
      receiver_id: payload.receiver?.id ?? null,
      msgid: message.id,
      ref_id: payload.msgid,
    },
  });
}

function createChat(ctx: EmulatorContext, scopeId: string, payload: NewMessagePayload, clientId: string): ChatRecord {
  return ctx.store.addChat({
    id: ctx.newId(),
    scopeId,
    conversationId: payload.conversation_id,
    ...(payload.source === undefined ? {} : { sourceExternalId: payload.source.external_id }),
    clientParticipantId: clientId,
    origin: 'new_message',
    createdAt: ctx.now().getTime(),
  });
}
