import type { NewMessageRequest, Participant } from '../contracts/amojo';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import {
  type BridgeHistoryImportRequest,
  type BridgeHistoryMessage,
  bridgeTimestampToMillis,
} from '../contracts/bridge';
import { bridgeMsgid } from './bridge-msgid';
import { toAmojoContent } from './to-amojo-content';
import { toAmojoParticipant } from './to-amojo-participant';

/** The channel bot from registration (AMOJO_BOT_ID, AMOJO_BOT_NAME): the author of imported business messages. */
export interface ChannelBot {
  id: string;
  name: string;
}

export interface ToAmojoHistoryContext {
  linkId: string;
  /** True for every message but the newest of the final batch. */
  silent: boolean;
  bot?: ChannelBot | undefined;
  replyTo?: AmojoMessageRef;
}

/** Whether an outgoing history message has an author amojo can attribute it to (a manager, or the bot). */
export function hasHistoryAuthor(item: BridgeHistoryMessage, bot: ChannelBot | undefined): boolean {
  return item.direction === 'in' || item.author?.amojo_user_id !== undefined || bot !== undefined;
}

/**
 * The author of an outgoing history message: a manager named by amoCRM user id (`ref_id`), else the channel bot.
 * Our `id` for them is derived from amojo's, so every import names the same manager the same way.
 */
function businessSender(item: BridgeHistoryMessage, bot: ChannelBot | undefined): Participant {
  const managerId = item.author?.amojo_user_id;
  const name = item.author?.name;
  if (managerId !== undefined) return { id: `manager:${managerId}`, ref_id: managerId, name: name ?? 'Manager' };
  if (bot === undefined) throw new Error('outgoing history message without a manager needs the channel bot');
  return { id: `bot:${bot.id}`, ref_id: bot.id, name: name ?? bot.name };
}

/**
 * One history message as a new_message: inbound ones from the client (sender only), outgoing ones from a manager or
 * the bot to the client (sender with ref_id + receiver), as chats-api §1.11 describes imports.
 */
export function toAmojoHistoryMessage(
  request: BridgeHistoryImportRequest,
  item: BridgeHistoryMessage,
  ctx: ToAmojoHistoryContext,
): NewMessageRequest {
  const at = bridgeTimestampToMillis(item.sent_at);
  const client = toAmojoParticipant(request.client);
  const inbound = item.direction === 'in';
  return {
    event_type: 'new_message',
    payload: {
      timestamp: Math.floor(at / 1000),
      msec_timestamp: at,
      msgid: bridgeMsgid(ctx.linkId, item.id),
      conversation_id: request.conversation.id,
      silent: ctx.silent,
      // As for live messages (to-amojo-message.ts): the link's own amoCRM source unless the import names one.
      source: { external_id: request.source ?? ctx.linkId },
      sender: inbound ? client : businessSender(item, ctx.bot),
      ...(inbound ? {} : { receiver: client }),
      message: toAmojoContent(item.message),
      ...(ctx.replyTo === undefined ? {} : { reply_to: { message: ctx.replyTo } }),
    },
  };
}
