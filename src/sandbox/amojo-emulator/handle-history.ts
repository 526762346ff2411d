import { historyQuery } from '../../contracts/amojo';
import { type ApiResponse, emptyResponse, jsonResponse } from './api-response';
import type { EmulatorStore } from './emulator-store';
import type { MessageRecord } from './emulator-types';
import { parseValue } from './parse-request-body';
import { historyUserView } from './participant-view';
import type { ScopedRouteInput } from './route-input';

/**
 * GET /v2/origin/custom/{scope_id}/chats/{amojo_chat_id}/history?offset&limit: newest first, limit at most 50.
 * 204 without a body for a chat this scope does not have and for an empty page.
 */
export function handleHistory({ ctx, connection, params, query }: ScopedRouteInput): ApiResponse {
  const parsed = parseValue(historyQuery, Object.fromEntries(query));
  if (!parsed.ok) return parsed.response;
  const { offset, limit } = parsed.value;
  const chat = ctx.store.findChatInScope(connection.scopeId, params.chat_id!);
  if (!chat) return emptyResponse(204);
  const newestFirst = [...ctx.store.messagesOf(chat.id)].reverse().sort((a, b) => b.msecTimestamp - a.msecTimestamp);
  const page = newestFirst.slice(offset, offset + limit);
  if (page.length === 0) return emptyResponse(204);
  return jsonResponse(200, { messages: page.map((message) => historyItem(ctx.store, message)) });
}

function historyItem(store: EmulatorStore, message: MessageRecord): Record<string, unknown> {
  const sender = store.participants.get(message.senderId);
  const receiver = message.receiverId === undefined ? undefined : store.participants.get(message.receiverId);
  const { type, text, media, thumbnail, file_name, file_size, media_group_id, location, contact } = message.content;
  return {
    timestamp: message.timestamp,
    msec_timestamp: message.msecTimestamp,
    sender: sender ? historyUserView(sender) : { id: message.senderId },
    ...(receiver ? { receiver: historyUserView(receiver) } : {}),
    message: {
      id: message.id,
      ...(message.msgid === undefined ? {} : { client_id: message.msgid }),
      type,
      text,
      media: media ?? '',
      thumbnail: thumbnail ?? '',
      file_name: file_name ?? '',
      file_size: file_size ?? 0,
      ...(media_group_id === undefined ? {} : { media_group_id }),
      ...(location === undefined ? {} : { location }),
      ...(contact === undefined ? {} : { contact }),
    },
  };
}
