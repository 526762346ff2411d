import type { z } from 'zod/mini';
import type { editMessageRequest } from '../../contracts/amojo';
import { type ApiResponse, jsonResponse } from './api-response';
import type { EmulatorContext } from './emulator-context';
import type { ConnectionRecord, MessageRecord } from './emulator-types';
import { badField, notFound } from './error-responses';
import { DUPLICATE_MSGID_ERROR } from './handle-new-message';
import { recordDeliveryStatus } from './record-delivery-status';
import { mergeMessageContent } from './to-message-content';

type EditMessagePayload = z.output<typeof editMessageRequest>['payload'];

/**
 * edit_message: the message is found by `id` (amojo's) or else `msgid` (ours); with both, msgid becomes its external
 * id. A conversation named in the payload must be the message's own. `message.delivery_status` updates the status.
 */
export function handleEditMessage(
  ctx: EmulatorContext,
  connection: ConnectionRecord,
  payload: EditMessagePayload,
): ApiResponse {
  const { store } = ctx;
  const scopeId = connection.scopeId;
  const message =
    payload.id !== undefined
      ? store.findMessageInScope(scopeId, payload.id)
      : store.findMessageByMsgid(scopeId, payload.msgid!);
  if (!message) return notFound(`message ${payload.id ?? payload.msgid}`);
  const chat = store.chats.get(message.chatId)!;
  if (payload.conversation_id !== undefined && chat.conversationId !== payload.conversation_id) {
    return notFound(`message ${message.id} in conversation ${payload.conversation_id}`);
  }
  if (payload.conversation_ref_id !== undefined && chat.id !== payload.conversation_ref_id) {
    return notFound(`message ${message.id} in chat ${payload.conversation_ref_id}`);
  }
  if (payload.id !== undefined && payload.msgid !== undefined && payload.msgid !== message.msgid) {
    const owner = store.findMessageByMsgid(scopeId, payload.msgid);
    if (owner) {
      return badField(
        'payload.msgid',
        `a message with msgid "${payload.msgid}" already exists in this scope`,
        DUPLICATE_MSGID_ERROR,
      );
    }
    store.setMsgid(message, payload.msgid);
  }
  const { delivery_status: status, ...content } = payload.message;
  message.content = mergeMessageContent(message.content, content);
  message.editedAt = ctx.now().getTime();
  if (status) {
    recordDeliveryStatus(message, {
      status: status.status_code,
      ...(status.error_code === undefined ? {} : { errorCode: status.error_code }),
      ...(status.error === undefined ? {} : { error: status.error }),
      at: ctx.now().getTime(),
    });
  }
  return jsonResponse(200, { new_message: editAnswer(ctx, message, chat.conversationId) });
}

function editAnswer(ctx: EmulatorContext, message: MessageRecord, conversationId: string | undefined) {
  const idOf = (participantId: string | undefined) => {
    if (participantId === undefined) return null;
    const participant = ctx.store.participants.get(participantId);
    return participant?.clientId ?? participantId;
  };
  return {
    conversation_id: conversationId ?? '',
    sender_id: idOf(message.senderId),
    receiver_id: idOf(message.receiverId),
    msgid: message.id,
    ref_id: message.msgid ?? '',
  };
}
