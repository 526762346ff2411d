import type { BridgeConversationStartedEvent, BridgeMessageEvent } from '../../contracts/bridge';
import type { DemoMarkup, DemoMessage } from './demo-messenger-types';

/** The parts of a manager message event the page shows, as a message of `conversationId` named `id`. */
export function managerMessageFromEvent(
  event: BridgeMessageEvent | BridgeConversationStartedEvent,
  ids: { id: string; conversationId: string },
  now: number,
): DemoMessage {
  const sender: DemoMessage['sender'] = { id: event.sender.id };
  if (event.sender.name !== undefined) sender.name = event.sender.name;
  if (event.sender.role !== undefined) sender.role = event.sender.role;
  const message: DemoMessage = {
    id: ids.id,
    conversationId: ids.conversationId,
    direction: 'manager',
    status: 'delivered',
    amojoMessageId: event.message_id,
    eventId: event.id,
    sender,
    content: event.message,
    reactions: { managers: {} },
    createdAt: now,
  };
  if (event.template !== undefined) message.template = { id: event.template.id, content: event.template.content };
  if (event.markup !== undefined) message.markup = event.markup as DemoMarkup;
  if (event.reply_to !== undefined) message.replyTo = event.reply_to;
  if (event.forwarded !== undefined) message.forwarded = event.forwarded;
  return message;
}
