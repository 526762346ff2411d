import { messageEventRequest } from '../../contracts/amojo';
import type { ApiResponse } from './api-response';
import { handleEditMessage } from './handle-edit-message';
import { handleNewMessage } from './handle-new-message';
import { parseRequestBody } from './parse-request-body';
import type { ScopedRouteInput } from './route-input';

/** POST /v2/origin/custom/{scope_id}: new_message or edit_message, told apart by event_type. */
export function handleMessageEvent({ ctx, connection, body }: ScopedRouteInput): ApiResponse {
  const parsed = parseRequestBody(messageEventRequest, body);
  if (!parsed.ok) return parsed.response;
  const event = parsed.value;
  return event.event_type === 'new_message'
    ? handleNewMessage(ctx, connection, event.payload)
    : handleEditMessage(ctx, connection, event.payload);
}
