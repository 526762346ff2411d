import type { ReactRequest } from '../contracts/amojo';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import type { BridgeReactionRequest } from '../contracts/bridge';

/** The chat as amojo knows it: by our conversation_id, or (write-first, not yet named) by amojo's chat id. */
export type AmojoConversationRef = { conversation_id: string } | { conversation_ref_id: string };

/** A client's reaction; the chat is the reacted message's, and the message is named as amojo knows it. */
export function toAmojoReact(
  body: BridgeReactionRequest,
  ctx: { conversation: AmojoConversationRef; target: AmojoMessageRef },
): ReactRequest {
  return {
    ...ctx.conversation,
    ...ctx.target,
    user: { id: body.sender.id },
    type: body.type,
    ...(body.type === 'react' && body.emoji !== undefined ? { emoji: body.emoji } : {}),
  };
}
