import type { AmojoWebhook } from '../../../contracts/amojo';

export type AcceptedHook = Exclude<AmojoWebhook, { kind: 'invalid' } | { kind: 'v1' }>;

/**
 * The inbox key that makes a redelivered hook harmless: amojo's message id for messages, and for typing and
 * reactions (which have no id) the tuple that tells one action from the next. A reaction keeps `time` in its key,
 * so the same emoji set again after being taken back is a new action, while a byte-identical redelivery is not.
 */
export function hookDedupeKey(linkId: string, webhook: AcceptedHook): string {
  switch (webhook.kind) {
    case 'message':
    case 'comment_reply':
      return `m:${linkId}:${webhook.hook.message.message.id}`;
    case 'typing': {
      const { typing } = webhook.hook.action;
      return `t:${linkId}:${typing.conversation.id}:${typing.user.id}:${typing.expired_at}`;
    }
    case 'reaction': {
      const { reaction } = webhook.hook.action;
      const what = `${reaction.message.id}:${reaction.user.id}:${reaction.type}:${reaction.emoji ?? ''}`;
      return `r:${linkId}:${what}:${webhook.hook.time}`;
    }
  }
}

/** amojo's chat id of the hook: deliveries of one chat go to the messenger in the order amojo sent them. */
export function hookChatId(webhook: AcceptedHook): string {
  switch (webhook.kind) {
    case 'message':
    case 'comment_reply':
      return webhook.hook.message.conversation.id;
    case 'typing':
      return webhook.hook.action.typing.conversation.id;
    case 'reaction':
      return webhook.hook.action.reaction.conversation.id;
  }
}
