import type { z } from 'zod/mini';
import { ControlError } from '../control-api/control-error';
import { buildMessageHook } from './build-message-hook';
import type { managerMessageInput } from './control-schemas';
import type { EmulatorContext } from './emulator-context';
import type { ChatRecord, EmbeddedMessage, HookDelivery, MessageRecord, ParticipantRecord } from './emulator-types';

export interface ManagerMessage {
  readonly chat: ChatRecord;
  readonly senderId: string | undefined;
  readonly message: z.output<typeof managerMessageInput>;
  readonly replyToId?: string | undefined;
  readonly forwardId?: string | undefined;
  readonly postId?: string | undefined;
}

export interface SentMessage {
  readonly message: MessageRecord;
  readonly hook: HookDelivery;
}

/** A message written in amoCRM: stored as outgoing, then announced with a message hook v2. */
export async function sendManagerMessage(ctx: EmulatorContext, input: ManagerMessage): Promise<SentMessage> {
  const { store } = ctx;
  const { chat } = input;
  const sender = amoUser(ctx, input.senderId);
  const receiver = store.participants.get(chat.clientParticipantId)!;
  const connection = store.connections.get(chat.scopeId)!;
  const replyTo =
    input.replyToId === undefined ? undefined : quoted(ctx, chat, input.replyToId, 'replyTo.messageId', true);
  const forward =
    input.forwardId === undefined ? undefined : quoted(ctx, chat, input.forwardId, 'forwards.messageId', false);
  if (input.postId !== undefined && input.message.type !== 'text') {
    throw new ControlError(400, 'postId: comment replies are text only', [{ path: 'postId', message: 'text only' }]);
  }
  const now = ctx.now();
  const content: Record<string, unknown> = Object.fromEntries(
    Object.entries(input.message).filter(([, value]) => value !== undefined),
  );
  if (input.postId !== undefined) content.post = { id: input.postId };
  const message = store.addMessage({
    id: ctx.newId(),
    chatId: chat.id,
    scopeId: chat.scopeId,
    direction: 'outgoing',
    senderId: sender.id,
    receiverId: receiver.id,
    content: { ...content, type: input.message.type, text: input.message.text ?? '' },
    timestamp: Math.floor(now.getTime() / 1000),
    msecTimestamp: now.getTime(),
    silent: false,
    origin: 'control',
    ...(replyTo ? { replyTo } : {}),
    ...(forward ? { forwards: [forward] } : {}),
    deliveryStatus: null,
    statusHistory: [],
    reactions: [],
  });
  const body = buildMessageHook(store, { connection, chat, sender, receiver, message, now });
  const hook = await ctx.hooks.emit('message', connection, body);
  return { message, hook };
}

/** A manager or the bot by amojo id; the first manager when none is named. */
export function amoUser(ctx: EmulatorContext, userId: string | undefined): ParticipantRecord {
  const users = [...ctx.store.participants.values()].filter((p) => p.kind !== 'client');
  const user = userId === undefined ? users.find((p) => p.kind === 'manager') : users.find((p) => p.id === userId);
  if (!user) throw new ControlError(400, `no amoCRM user or bot ${userId ?? '(default manager)'}`);
  return user;
}

function quoted(
  ctx: EmulatorContext,
  chat: ChatRecord,
  messageId: string,
  path: string,
  sameChat: boolean,
): EmbeddedMessage {
  const message = ctx.store.findMessageInScope(chat.scopeId, messageId);
  if (!message) throw new ControlError(404, `${path}: no message ${messageId} in this scope`);
  if (sameChat && message.chatId !== chat.id) {
    throw new ControlError(400, `${path}: a reply must quote a message of the same chat`, [
      { path, message: 'not in this chat' },
    ]);
  }
  return { id: message.id, chatId: message.chatId };
}
