import type {
  BridgeConversationStartedEvent,
  BridgeMessageEvent,
  BridgeOutboundEvent,
  BridgeReactionEvent,
  BridgeTypingEvent,
} from '../../contracts/bridge';
import { clientIdentity, phoneDigits } from './client-identity';
import type { DemoConversation } from './demo-messenger-types';
import { managerMessageFromEvent } from './manager-message-from-event';
import type { DeliveryAnswer, MessengerState } from './messenger-state';

export interface ApplyContext {
  state: MessengerState;
  now: number;
  newId: () => string;
  /** The number whose webhook took the event: a conversation the event opens belongs to it. */
  numberId: string;
  /** What `clientIdentity` is given for this number: undefined for the first number (its ids carry no number id). */
  identityNumberId?: string | undefined;
}

/** The longest a manager's typing indicator stays up without another typing event, whatever `expires_at` says. */
const MAX_TYPING_MS = 30_000;

function onMessage(ctx: ApplyContext, event: BridgeMessageEvent): DeliveryAnswer {
  const { state } = ctx;
  const { recipient } = event;
  // A conversation this messenger forgot (it keeps no history across restarts) is taken as the event names it.
  const conversation =
    state.conversation(event.conversation.id) ??
    state.addConversation({
      id: event.conversation.id,
      numberId: ctx.numberId,
      ...(recipient.phone === undefined ? {} : { phone: recipient.phone }),
      client: { id: recipient.id, name: recipient.name ?? recipient.phone ?? recipient.id },
      startedBy: 'manager',
    });
  return addManagerMessage(ctx, conversation, event);
}

/** "Write first": one conversation per number, answered with its ids so the backend can name the chat. */
function onConversationStarted(ctx: ApplyContext, event: BridgeConversationStartedEvent): DeliveryAnswer {
  const { state } = ctx;
  const { recipient } = event;
  const chatId = event.conversation.amojo_chat_id;
  // The manager wrote through this number (amoCRM picked it by the chat's source), so the phone is looked up here.
  let conversation = state.conversationByAmojoChat(chatId) ?? state.conversationByPhone(recipient.phone, ctx.numberId);
  if (conversation === undefined) {
    const known = phoneDigits(recipient.phone) !== '';
    const identity = clientIdentity(known ? recipient.phone : chatId, ctx.identityNumberId);
    conversation = state.addConversation({
      id: known ? identity.conversationId : `conv-${chatId}`,
      numberId: ctx.numberId,
      ...(known ? { phone: recipient.phone } : {}),
      client: {
        id: known ? identity.clientId : `client-${chatId}`,
        name: recipient.name ?? (known ? recipient.phone : 'New client'),
      },
      startedBy: 'manager',
    });
  }
  const answer = addManagerMessage(ctx, conversation, event);
  return { ...answer, conversation_id: conversation.id, recipient_id: conversation.client.id };
}

function addManagerMessage(
  ctx: ApplyContext,
  conversation: DemoConversation,
  event: BridgeMessageEvent | BridgeConversationStartedEvent,
): DeliveryAnswer {
  conversation.amojoChatId = event.conversation.amojo_chat_id;
  // The message is what the typing led to.
  delete conversation.typing;
  const id = `mm-${ctx.newId()}`;
  ctx.state.addMessage(conversation, managerMessageFromEvent(event, { id, conversationId: conversation.id }, ctx.now));
  return { message_id: id };
}

function conversationOf(ctx: ApplyContext, ref: { id?: string | undefined; amojo_chat_id: string }) {
  return (
    (ref.id === undefined ? undefined : ctx.state.conversation(ref.id)) ??
    ctx.state.conversationByAmojoChat(ref.amojo_chat_id)
  );
}

function onTyping(ctx: ApplyContext, event: BridgeTypingEvent): DeliveryAnswer {
  const conversation = conversationOf(ctx, event.conversation);
  if (conversation === undefined) return {};
  const expiresAt = Date.parse(event.expires_at);
  const until = Number.isFinite(expiresAt) ? expiresAt : ctx.now + 5000;
  conversation.typing = { senderId: event.sender.id, expiresAt: Math.min(until, ctx.now + MAX_TYPING_MS) };
  return {};
}

function onReaction(ctx: ApplyContext, event: BridgeReactionEvent): DeliveryAnswer {
  const message = ctx.state.messageByRef(event.message);
  if (message === undefined) return {};
  if (event.action === 'react' && event.emoji !== undefined) message.reactions.managers[event.sender.id] = event.emoji;
  else delete message.reactions.managers[event.sender.id];
  return {};
}

/** Applies one (new) webhook event to the state and says what to answer the delivery with. */
export function applyOutboundEvent(ctx: ApplyContext, event: BridgeOutboundEvent): DeliveryAnswer {
  switch (event.type) {
    case 'message':
      return onMessage(ctx, event);
    case 'conversation.started':
      return onConversationStarted(ctx, event);
    case 'typing':
      return onTyping(ctx, event);
    case 'reaction':
      return onReaction(ctx, event);
    case 'test':
      return {};
  }
}
