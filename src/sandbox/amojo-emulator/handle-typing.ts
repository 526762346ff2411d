import { typingRequest } from '../../contracts/amojo';
import { type ApiResponse, emptyResponse } from './api-response';
import { notFound } from './error-responses';
import { parseRequestBody } from './parse-request-body';
import type { ScopedRouteInput } from './route-input';

/** amojo's default typing duration when duration_ms is absent. */
const DEFAULT_TYPING_MS = 5000;

/**
 * POST /v2/origin/custom/{scope_id}/typing, answered 204. Kommo lists 404 for bad data: an unknown conversation or an
 * unknown client id is refused here.
 */
export function handleTyping({ ctx, connection, body }: ScopedRouteInput): ApiResponse {
  const parsed = parseRequestBody(typingRequest, body);
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  const chat = ctx.store.findChatByConversation(connection.scopeId, request.conversation_id);
  if (!chat) return notFound(`conversation ${request.conversation_id}`);
  const sender = ctx.store.findClient(connection.scopeId, request.sender.id);
  if (!sender) return notFound(`participant ${request.sender.id}`);
  ctx.store.typing.push({
    scopeId: connection.scopeId,
    chatId: chat.id,
    by: 'integration',
    userId: sender.id,
    durationMs: request.duration_ms ?? DEFAULT_TYPING_MS,
    at: ctx.now().getTime(),
  });
  return emptyResponse(204);
}
