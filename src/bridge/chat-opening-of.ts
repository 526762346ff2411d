import type { CreateChatRequest, NewMessageRequest } from '../contracts/amojo';

/**
 * The create-chat request that opens the chat a new_message goes to: its conversation, its source and its client.
 * The client is the sender of a client message and the receiver of an imported business message (whose sender is a
 * manager or the bot); amojo's id for them (`ref_id`) is left out, as create-chat names a new user by our id.
 */
export function chatOpeningOf(request: NewMessageRequest): CreateChatRequest {
  const { payload } = request;
  const { ref_id: _amojoId, ...user } = payload.receiver ?? payload.sender;
  return {
    conversation_id: payload.conversation_id,
    user,
    ...(payload.source === undefined ? {} : { source: payload.source }),
  };
}
