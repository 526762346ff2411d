import type { AmojoWebhook } from '../../../contracts/amojo';

export type AcceptedHook = Exclude<AmojoWebhook, { kind: 'invalid' } | { kind: 'v1' }>;

/**
 * Key parts joined so that different parts can never give one key: each part is percent-encoded, so the `:`
 * between them appears in no part (`a:b` + `c` and `a` + `b:c` stay apart). Plain ids (UUIDs, digits) encode to
 * themselves, so their keys are what they were before the encoding.
 */
function joinParts(parts: readonly (string | number)[]): string {
  return parts.map((part) => encodeURIComponent(String(part))).join(':');
}

/**
 * The inbox key that makes a redelivered hook harmless: amojo's message id for messages, and for typing and
 * reactions (which have no id) the tuple that tells one action from the next. A reaction keeps `time` in its key,
 * so the same emoji set again after being taken back is a new action, while a byte-identical redelivery is not.
 * A message key has one free part, last after our own link id, so it needs no encoding and keeps its old form.
 */
export function hookDedupeKey(linkId: string, webhook: AcceptedHook): string {
  switch (webhook.kind) {
    case 'message':
    case 'comment_reply':
      return `m:${linkId}:${webhook.hook.message.message.id}`;
    case 'typing': {
      const { typing } = webhook.hook.action;
      return `t:${joinParts([linkId, typing.conversation.id, typing.user.id, typing.expired_at])}`;
    }
    case 'reaction': {
      const { reaction } = webhook.hook.action;
      const what = [reaction.message.id, reaction.user.id, reaction.type, reaction.emoji ?? ''];
      return `r:${joinParts([linkId, ...what, webhook.hook.time])}`;
    }
  }
}

/** The conversation a hook is about: amojo's chat (`id`) and, once the chat is ours, our conversation id. */
export function hookConversation(webhook: AcceptedHook): { id: string; client_id?: string | undefined } {
  switch (webhook.kind) {
    case 'message':
    case 'comment_reply':
      return webhook.hook.message.conversation;
    case 'typing':
      return webhook.hook.action.typing.conversation;
    case 'reaction':
      return webhook.hook.action.reaction.conversation;
  }
}

/** amojo's chat id of the hook: deliveries of one chat go to the messenger in the order amojo sent them. */
export function hookChatId(webhook: AcceptedHook): string {
  return hookConversation(webhook).id;
}
