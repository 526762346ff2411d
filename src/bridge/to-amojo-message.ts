import type { NewMessageRequest } from '../contracts/amojo';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import { type BridgeMessageRequest, bridgeTimestampToMillis } from '../contracts/bridge';
import { bridgeMsgid } from './bridge-msgid';
import { toAmojoContent, toAmojoEmbedded } from './to-amojo-content';
import { toAmojoParticipant } from './to-amojo-participant';

export interface ToAmojoMessageContext {
  /** Also the `external_id` of the link's amoCRM source, named on every message unless the request names its own. */
  linkId: string;
  /** Unix ms, used when the messenger gave no `sent_at`. */
  now: number;
  /** The quoted message, resolved from the request's `reply_to`; absent drops the quote (amojo cannot find it). */
  replyTo?: AmojoMessageRef;
  /** A forwarded message we know, resolved from `forward`; inline forwards need no resolving. */
  forward?: { ref: AmojoMessageRef; conversationId?: string };
}

/**
 * A client message as amojo's new_message. The messenger's ids pass through as ours (`conversation_id`,
 * `sender.id`), except the message id, which becomes a link-scoped, deterministic `msgid` (see bridgeMsgid).
 * Write-first binding (`conversation_ref_id`, `sender.ref_id`) is added by the relay when it sends. amoCRM falls back
 * to its default source for an `external_id` it does not know yet (a link whose source sync is still pending).
 */
export function toAmojoMessage(body: BridgeMessageRequest, ctx: ToAmojoMessageContext): NewMessageRequest {
  const at = body.sent_at === undefined ? ctx.now : bridgeTimestampToMillis(body.sent_at);
  const content = toAmojoContent(body.message);
  const forwarded = forwardOf(body, ctx, at);
  return {
    event_type: 'new_message',
    payload: {
      timestamp: Math.floor(at / 1000),
      msec_timestamp: at,
      msgid: bridgeMsgid(ctx.linkId, body.id),
      conversation_id: body.conversation.id,
      silent: body.silent ?? false,
      // The link's own amoCRM source (external_id = link id) puts the chat in the link's pipeline; a messenger that
      // manages its own sources names one, and that one wins.
      source: { external_id: body.source ?? ctx.linkId },
      sender: toAmojoParticipant(body.sender),
      message: body.post === undefined ? content : { ...content, post: body.post },
      ...(ctx.replyTo === undefined ? {} : { reply_to: { message: ctx.replyTo } }),
      ...(forwarded === undefined ? {} : { forwards: forwarded }),
    },
  };
}

function forwardOf(body: BridgeMessageRequest, ctx: ToAmojoMessageContext, at: number) {
  const forward = body.forward;
  if (forward === undefined) return undefined;
  if ('sender_name' in forward) {
    const sentAt = forward.sent_at === undefined ? at : bridgeTimestampToMillis(forward.sent_at);
    return { messages: [toAmojoEmbedded(forward.message, forward.sender_name, sentAt)] };
  }
  if (ctx.forward === undefined) return undefined;
  return {
    messages: [ctx.forward.ref],
    ...(ctx.forward.conversationId === undefined ? {} : { conversation_id: ctx.forward.conversationId }),
  };
}
