import type { ReactionHookFormat } from './emulator-context';
import type { ChatRecord, ConnectionRecord, MessageRecord } from './emulator-types';

export interface ReactionHookInput {
  readonly connection: ConnectionRecord;
  readonly chat: ChatRecord;
  readonly message: MessageRecord;
  readonly userId: string;
  readonly type: 'react' | 'unreact';
  readonly emoji?: string;
  readonly format: ReactionHookFormat;
  readonly now: Date;
}

/**
 * Reaction hook. The docs' example names the message by `msgid` (amojo's id); the docs' table describes a
 * `message` object instead. Both are emulated (option reactionHookFormat) so a receiver can be tested on either.
 */
export function buildReactionHook(input: ReactionHookInput): Record<string, unknown> {
  const { chat, message } = input;
  const target =
    input.format === 'msgid'
      ? { msgid: message.id }
      : {
          message: {
            id: message.id,
            ...(message.msgid === undefined ? {} : { client_id: message.msgid }),
            ...(message.receiverId === undefined ? {} : { receiver: { id: message.receiverId } }),
            sender: { id: message.senderId },
            timestamp: message.timestamp,
            msec_timestamp: message.msecTimestamp,
          },
        };
  return {
    account_id: input.connection.accountId,
    time: Math.floor(input.now.getTime() / 1000),
    action: {
      reaction: {
        ...target,
        user: { id: input.userId },
        conversation: { id: chat.id, ...(chat.conversationId === undefined ? {} : { client_id: chat.conversationId }) },
        type: input.type,
        ...(input.type === 'react' && input.emoji !== undefined ? { emoji: input.emoji } : {}),
      },
    },
  };
}
