import { ControlError } from '../control-api/control-error';
import { parseControlInput } from '../control-api/parse-control-input';
import { buildReactionHook } from './build-reaction-hook';
import { buildTypingHook } from './build-typing-hook';
import {
  type HookDeliveryInput,
  hookDeliveryInput,
  type MisbehaveInput,
  misbehaveInput,
  type ReactInput,
  reactInput,
  type SendMessageInput,
  sendMessageInput,
  type TypingInput,
  typingInput,
  type WriteFirstInput,
  writeFirstInput,
} from './control-schemas';
import { createRequestDedupe } from './create-request-dedupe';
import { disconnectAccount } from './disconnect-account';
import type { EmulatorContext } from './emulator-context';
import type { ChatRecord, HookDelivery, HookDeliveryMode, MessageRecord } from './emulator-types';
import type { FaultInjector } from './fault-injector';
import { openWriteFirstChat } from './open-write-first-chat';
import { amoUser, type SentMessage, sendManagerMessage } from './send-manager-message';
import { setReaction } from './set-reaction';

/** amojo sends a typing hook at most every 5 s per manager and chat. */
const TYPING_HOOK_INTERVAL_MS = 5000;

/** A repeat of a `requestId` already carried out: the first answer again, and nothing new stored or sent. */
export type Deduped<T> = T & { readonly duplicate?: true };

/** Results are copies: changing them never changes the emulator's state. */
export interface ControlApi {
  /** A manager (or the bot) writes to a chat from amoCRM: emits a message hook. Idempotent per `requestId`. */
  sendMessage(input: SendMessageInput): Promise<Deduped<SentMessage>>;
  /**
   * "Write first" by phone: a chat amojo creates itself, announced without our conversation or client id.
   * Idempotent per `requestId`.
   */
  startWriteFirst(input: WriteFirstInput): Promise<Deduped<SentMessage & { readonly chat: ChatRecord }>>;
  /** A manager types: emits a typing hook unless one went out for the same chat and user less than 5 s ago. */
  typing(input: TypingInput): Promise<{ readonly hook: HookDelivery | null }>;
  /** A manager reacts or takes the reaction back: emits a reaction hook. */
  react(input: ReactInput): Promise<{ readonly message: MessageRecord; readonly hook: HookDelivery }>;
  /**
   * The integration is uninstalled in the account: amoCRM disconnects the channel itself (chats-api §1.2), so the
   * backend must connect again after the next install.
   */
  uninstall(accountId: string): void;
  /** Answer a status (or stall) for the next `count` amojo API requests. */
  misbehave(input: MisbehaveInput): void;
  clearMisbehaviour(): void;
  /**
   * `drop`: every hook from now on is recorded with state `dropped` and never sent, as if the backend were down
   * (amojo does not resend, so only history can bring those messages back); `send` delivers again. Messages, typing
   * and reactions are still stored as usual.
   */
  setHookDelivery(input: HookDeliveryInput): { readonly mode: HookDeliveryMode };
  hookDelivery(): { readonly mode: HookDeliveryMode };
}

export function createControlApi(ctx: EmulatorContext, faults: FaultInjector): ControlApi {
  const { store } = ctx;
  const once = createRequestDedupe();
  const chatOf = (chatId: string): ChatRecord => {
    const chat = store.chats.get(chatId);
    if (!chat) throw new ControlError(404, `no chat ${chatId}`);
    return chat;
  };

  return {
    uninstall: (accountId) => disconnectAccount(ctx, accountId),

    async sendMessage(raw) {
      const { requestId, ...input } = parseControlInput(sendMessageInput, raw);
      return once('message', requestId, input, async () => {
        const sent = await sendManagerMessage(ctx, {
          chat: chatOf(input.chatId),
          senderId: input.senderId,
          message: input.message,
          replyToId: input.replyTo?.messageId,
          forwardId: input.forwards?.messageId,
          postId: input.postId,
        });
        return structuredClone(sent);
      });
    },

    async startWriteFirst(raw) {
      const { requestId, ...input } = parseControlInput(writeFirstInput, raw);
      return once('write-first', requestId, input, async () => {
        const chat = openWriteFirstChat(ctx, input);
        const sent = await sendManagerMessage(ctx, { chat, senderId: input.senderId, message: input.message });
        return structuredClone({ ...sent, chat });
      });
    },

    async typing(raw) {
      const input = parseControlInput(typingInput, raw);
      const chat = chatOf(input.chatId);
      const user = amoUser(ctx, input.userId);
      const now = ctx.now();
      const previous = store.typing.findLast(
        (t) => t.by === 'amocrm' && t.hookSent === true && t.chatId === chat.id && t.userId === user.id,
      );
      const throttled = previous !== undefined && now.getTime() - previous.at < TYPING_HOOK_INTERVAL_MS;
      store.typing.push({
        scopeId: chat.scopeId,
        chatId: chat.id,
        by: 'amocrm',
        userId: user.id,
        durationMs: TYPING_HOOK_INTERVAL_MS,
        at: now.getTime(),
        hookSent: !throttled,
      });
      if (throttled) return { hook: null };
      const connection = store.connections.get(chat.scopeId)!;
      const postId = input.postId === undefined ? {} : { postId: input.postId };
      const body = buildTypingHook({ connection, chat, userId: user.id, now, ...postId });
      return { hook: structuredClone(await ctx.hooks.emit('typing', connection, body)) };
    },

    async react(raw) {
      const input = parseControlInput(reactInput, raw);
      const message = store.messages.get(input.messageId);
      if (!message) throw new ControlError(404, `no message ${input.messageId}`);
      const chat = chatOf(message.chatId);
      const user = amoUser(ctx, input.userId);
      const now = ctx.now();
      setReaction(message, {
        userId: user.id,
        by: 'amocrm',
        type: input.type,
        ...(input.emoji === undefined ? {} : { emoji: input.emoji }),
        at: now.getTime(),
      });
      const connection = store.connections.get(chat.scopeId)!;
      const body = buildReactionHook({
        connection,
        chat,
        message,
        userId: user.id,
        type: input.type,
        ...(input.emoji === undefined ? {} : { emoji: input.emoji }),
        format: input.format ?? ctx.reactionHookFormat,
        now,
      });
      const hook = await ctx.hooks.emit('reaction', connection, body);
      return structuredClone({ message, hook });
    },

    misbehave(raw) {
      faults.add(parseControlInput(misbehaveInput, raw));
    },

    clearMisbehaviour() {
      faults.clear();
    },

    setHookDelivery(raw) {
      ctx.hooks.setMode(parseControlInput(hookDeliveryInput, raw).mode);
      return { mode: ctx.hooks.mode() };
    },

    hookDelivery: () => ({ mode: ctx.hooks.mode() }),
  };
}
