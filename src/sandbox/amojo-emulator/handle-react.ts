import { reactRequest } from '../../contracts/amojo';
import { type ApiResponse, emptyResponse } from './api-response';
import { badField, notFound } from './error-responses';
import { parseRequestBody } from './parse-request-body';
import type { ScopedRouteInput } from './route-input';
import { setReaction } from './set-reaction';

/** POST /v2/origin/custom/{scope_id}/react: 404 when the chat or the message is unknown (or not in that chat). */
export function handleReact({ ctx, connection, body }: ScopedRouteInput): ApiResponse {
  const parsed = parseRequestBody(reactRequest, body);
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  const { store } = ctx;
  const scopeId = connection.scopeId;
  const chat =
    request.conversation_ref_id !== undefined
      ? store.findChatInScope(scopeId, request.conversation_ref_id)
      : store.findChatByConversation(scopeId, request.conversation_id!);
  if (!chat) return notFound(`chat ${request.conversation_ref_id ?? request.conversation_id}`);
  if (request.conversation_id !== undefined && chat.conversationId !== request.conversation_id) {
    return notFound(`conversation ${request.conversation_id}`);
  }
  const message =
    request.id !== undefined
      ? store.findMessageInScope(scopeId, request.id)
      : store.findMessageByMsgid(scopeId, request.msgid!);
  if (!message || message.chatId !== chat.id) return notFound(`message ${request.id ?? request.msgid}`);
  let userId: string;
  if (request.user.ref_id !== undefined) {
    const user = store.findParticipantInScope(scopeId, request.user.ref_id);
    if (!user) return badField('user.ref_id', `no participant ${request.user.ref_id} in this scope`);
    userId = user.id;
  } else {
    userId = store.findClient(scopeId, request.user.id)?.id ?? request.user.id;
  }
  setReaction(message, {
    userId,
    by: 'integration',
    type: request.type,
    ...(request.emoji === undefined ? {} : { emoji: request.emoji }),
    at: ctx.now().getTime(),
  });
  return emptyResponse(200);
}
