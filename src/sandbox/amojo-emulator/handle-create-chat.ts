import { createChatRequest } from '../../contracts/amojo';
import { type ApiResponse, jsonResponse } from './api-response';
import { parseRequestBody } from './parse-request-body';
import { createChatUserView } from './participant-view';
import { commitClient, resolveClient } from './resolve-participants';
import type { ScopedRouteInput } from './route-input';

/**
 * POST /v2/origin/custom/{scope_id}/chats. Idempotent per conversation_id: an existing chat's id comes back.
 * A user id already known in the scope returns that user's stored data, not the data just sent (Kommo's docs).
 */
export function handleCreateChat({ ctx, connection, body }: ScopedRouteInput): ApiResponse {
  const parsed = parseRequestBody(createChatRequest, body);
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  const { store } = ctx;
  const scopeId = connection.scopeId;
  const plan = resolveClient(store, scopeId, request.user, 'user', ctx.newId);
  if (!plan.ok) return plan.response;
  const user = commitClient(store, plan.value);
  const chat =
    store.findChatByConversation(scopeId, request.conversation_id) ??
    store.addChat({
      id: ctx.newId(),
      scopeId,
      conversationId: request.conversation_id,
      ...(request.source === undefined ? {} : { sourceExternalId: request.source.external_id }),
      clientParticipantId: user.id,
      origin: 'create_chat',
      createdAt: ctx.now().getTime(),
    });
  if (chat.sourceExternalId === undefined && request.source !== undefined) {
    chat.sourceExternalId = request.source.external_id;
  }
  return jsonResponse(200, { id: chat.id, user: createChatUserView(user) });
}
