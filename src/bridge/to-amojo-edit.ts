import type { EditMessageRequest } from '../contracts/amojo';
import { type BridgeEditRequest, bridgeTimestampToMillis } from '../contracts/bridge';
import { bridgeMsgid } from './bridge-msgid';
import { toAmojoContent } from './to-amojo-content';

/** A client's edit as amojo's edit_message, locating the message by our msgid (derived from the messenger's id). */
export function toAmojoEdit(
  messengerId: string,
  body: BridgeEditRequest,
  ctx: { linkId: string; conversationId: string; now: number },
): EditMessageRequest {
  const at = body.edited_at === undefined ? ctx.now : bridgeTimestampToMillis(body.edited_at);
  return {
    event_type: 'edit_message',
    payload: {
      timestamp: Math.floor(at / 1000),
      msec_timestamp: at,
      msgid: bridgeMsgid(ctx.linkId, messengerId),
      conversation_id: ctx.conversationId,
      message: toAmojoContent(body.message),
    },
  };
}
