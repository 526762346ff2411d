import type { ChatRecord, ConnectionRecord } from './emulator-types';

/** amojo announces typing as "until start + 5 s" (chat-webhooks, typing hook). */
const TYPING_HOOK_WINDOW_S = 5;

export interface TypingHookInput {
  readonly connection: ConnectionRecord;
  readonly chat: ChatRecord;
  readonly userId: string;
  readonly postId?: string;
  readonly now: Date;
}

/** Typing hook laid out like the docs' example: the user sits inside action.typing. */
export function buildTypingHook(input: TypingHookInput): Record<string, unknown> {
  const time = Math.floor(input.now.getTime() / 1000);
  return {
    account_id: input.connection.accountId,
    time,
    action: {
      typing: {
        user: { id: input.userId },
        conversation: {
          id: input.chat.id,
          ...(input.chat.conversationId === undefined ? {} : { client_id: input.chat.conversationId }),
        },
        expired_at: time + TYPING_HOOK_WINDOW_S,
        ...(input.postId === undefined ? {} : { post_id: input.postId }),
      },
    },
  };
}
