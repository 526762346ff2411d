import type { TypingRequest } from '../contracts/amojo';
import type { BridgeTypingRequest } from '../contracts/bridge';

/** The client is typing, in amojo's terms: both ids are the messenger's, which are ours at amojo. */
export function toAmojoTyping(body: BridgeTypingRequest): TypingRequest {
  return {
    conversation_id: body.conversation.id,
    sender: { id: body.sender.id },
    ...(body.duration_ms === undefined ? {} : { duration_ms: body.duration_ms }),
  };
}
