import type { AmojoWebhook, MessageHook, ReactionHook, TypingHook } from '../contracts/amojo';
import type { BridgeOutboundEvent } from '../contracts/bridge';
import { messengerIdFromMsgid } from './bridge-msgid';
import {
  hookContentToBridge,
  hookEmbeddedToBridge,
  hookMarkupToBridge,
  hookTemplateToBridge,
  isoOrUndefined,
} from './hook-content-to-bridge';

/** The hook kinds that become a delivery to the messenger. */
export type BridgeableWebhook = Extract<AmojoWebhook, { kind: 'message' | 'comment_reply' | 'typing' | 'reaction' }>;

export interface BridgeEventContext {
  linkId: string;
  /** Stable for the hook (e.g. its inbox dedupe key): a redelivered event keeps its id, and the messenger dedupes. */
  eventId: string;
  /**
   * The messenger's conversation id when our store knows it but the hook does not: a write-first chat the messenger
   * named in its delivery answer, before the client's first reply binds it at amojo.
   */
  conversationId?: string | undefined;
  /** Likewise the messenger's id of the client. */
  recipientId?: string | undefined;
  /** The channel bot's amojo id, so its messages carry `role: 'bot'`. */
  botId?: string | undefined;
  /** amojo message id -> the messenger's id for it, for quoted or reacted manager messages the messenger named. */
  messengerIds?: Readonly<Record<string, string>> | undefined;
}

const blank = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function createdAt(seconds: number): string {
  return isoOrUndefined(seconds * 1000) ?? new Date(0).toISOString();
}

function conversationRef(conversation: { id: string; client_id?: string }, ctx: BridgeEventContext) {
  const id = blank(conversation.client_id) ?? ctx.conversationId;
  return id === undefined ? { amojo_chat_id: conversation.id } : { id, amojo_chat_id: conversation.id };
}

function messageEvent(hook: MessageHook, ctx: BridgeEventContext): BridgeOutboundEvent {
  const { message: envelope } = hook;
  const content = envelope.message;
  const sender = { id: envelope.sender.id } as { id: string; name?: string; role?: 'manager' | 'bot' };
  const name = blank(envelope.sender.name);
  if (name !== undefined) sender.name = name;
  if (ctx.botId !== undefined) sender.role = envelope.sender.id === ctx.botId ? 'bot' : 'manager';
  const common: Record<string, unknown> = {
    id: ctx.eventId,
    created_at: createdAt(hook.time),
    message_id: content.id,
    sender,
    message: hookContentToBridge(content),
  };
  const optional: Record<string, unknown> = {
    template: hookTemplateToBridge(content.template),
    markup: hookMarkupToBridge(content.markup),
    reply_to:
      content.reply_to === undefined
        ? undefined
        : hookEmbeddedToBridge(content.reply_to.message, ctx.linkId, ctx.messengerIds),
    forwarded: content.forwards?.messages.map((m) => hookEmbeddedToBridge(m, ctx.linkId, ctx.messengerIds)),
    media_group_id: blank(content.media_group_id),
    post: content.post === undefined ? undefined : { id: content.post.id },
    source: blank(envelope.source?.external_id),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) common[key] = value;

  const receiver = envelope.receiver;
  const conversationId = blank(envelope.conversation.client_id) ?? ctx.conversationId;
  const recipientId = blank(receiver.client_id) ?? ctx.recipientId;
  const recipientName = blank(receiver.name);
  const phone = blank(receiver.phone);
  if (conversationId !== undefined && recipientId !== undefined) {
    const recipient: Record<string, string> = { id: recipientId };
    if (phone !== undefined) recipient.phone = phone;
    if (recipientName !== undefined) recipient.name = recipientName;
    return {
      ...common,
      type: 'message',
      conversation: { id: conversationId, amojo_chat_id: envelope.conversation.id },
      recipient,
    } as BridgeOutboundEvent;
  }
  // A chat the messenger has not named: a manager started it by phone ("write first").
  const recipient: Record<string, string> = { phone: phone ?? '', amojo_user_id: receiver.id };
  if (recipientName !== undefined) recipient.name = recipientName;
  return {
    ...common,
    type: 'conversation.started',
    conversation: { amojo_chat_id: envelope.conversation.id },
    recipient,
  } as BridgeOutboundEvent;
}

function typingEvent(hook: TypingHook, ctx: BridgeEventContext): BridgeOutboundEvent {
  const { typing } = hook.action;
  return {
    id: ctx.eventId,
    type: 'typing',
    created_at: createdAt(hook.time),
    conversation: conversationRef(typing.conversation, ctx),
    sender: { id: typing.user.id },
    expires_at: createdAt(typing.expired_at),
    ...(typing.post_id === undefined ? {} : { post_id: typing.post_id }),
  };
}

function reactionEvent(hook: ReactionHook, ctx: BridgeEventContext): BridgeOutboundEvent {
  const { reaction } = hook.action;
  const amojoId = reaction.message.id;
  // The reacted message's `client_id` is our msgid when the message came from the messenger.
  const messengerId = messengerIdFromMsgid(ctx.linkId, reaction.message.client_id) ?? ctx.messengerIds?.[amojoId];
  const emoji = blank(reaction.emoji);
  return {
    id: ctx.eventId,
    type: 'reaction',
    created_at: createdAt(hook.time),
    conversation: conversationRef(reaction.conversation, ctx),
    sender: { id: reaction.user.id },
    action: reaction.type,
    ...(reaction.type === 'react' && emoji !== undefined ? { emoji } : {}),
    message: messengerId === undefined ? { message_id: amojoId } : { message_id: amojoId, id: messengerId },
  };
}

/**
 * An amojo hook (already verified and classified by parseAmojoWebhook) as the event we POST to the messenger.
 * Pure: the store lookups it may need (write-first ids, the messenger's ids of manager messages) come in `ctx`.
 */
export function hookToBridgeEvent(webhook: BridgeableWebhook, ctx: BridgeEventContext): BridgeOutboundEvent {
  switch (webhook.kind) {
    case 'message':
    case 'comment_reply':
      return messageEvent(webhook.hook, ctx);
    case 'typing':
      return typingEvent(webhook.hook, ctx);
    case 'reaction':
      return reactionEvent(webhook.hook, ctx);
  }
}
