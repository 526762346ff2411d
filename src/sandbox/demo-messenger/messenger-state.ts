import { phoneDigits } from './client-identity';
import type {
  DemoConversation,
  DemoMessage,
  DemoSnapshot,
  PublicSettings,
  ReceivedEvent,
  RefusedDelivery,
} from './demo-messenger-types';

/** What the webhook answered an event with; a redelivery of the same event gets the same answer. */
export type DeliveryAnswer = Record<string, string>;

const EVENT_LOG_SIZE = 200;
const REFUSAL_LOG_SIZE = 20;

/**
 * The messenger's whole world, in memory: conversations, messages and the webhook events taken. Callers change a
 * conversation or message they looked up and then call `changed()`, which tells the listeners (the SSE stream).
 */
export class MessengerState {
  readonly #conversations = new Map<string, DemoConversation>();
  readonly #messages = new Map<string, DemoMessage>();
  readonly #answers = new Map<string, DeliveryAnswer>();
  readonly #events: ReceivedEvent[] = [];
  readonly #refused: RefusedDelivery[] = [];
  readonly #listeners = new Set<() => void>();
  #lastTest: (ReceivedEvent & { text?: string }) | undefined;

  constructor(private readonly now: () => number) {}

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  conversation(id: string): DemoConversation | undefined {
    return this.#conversations.get(id);
  }

  conversationByAmojoChat(amojoChatId: string): DemoConversation | undefined {
    for (const conversation of this.#conversations.values()) {
      if (conversation.amojoChatId === amojoChatId) return conversation;
    }
    return undefined;
  }

  /** The conversation with this phone on this number (one per phone and number). */
  conversationByPhone(phone: string, numberId: string): DemoConversation | undefined {
    const digits = phoneDigits(phone);
    if (digits === '') return undefined;
    for (const conversation of this.#conversations.values()) {
      if (conversation.numberId !== numberId) continue;
      if (conversation.phone !== undefined && phoneDigits(conversation.phone) === digits) return conversation;
    }
    return undefined;
  }

  addConversation(fields: Omit<DemoConversation, 'messages' | 'createdAt'>): DemoConversation {
    const conversation: DemoConversation = { ...fields, messages: [], createdAt: this.now() };
    this.#conversations.set(conversation.id, conversation);
    return conversation;
  }

  message(id: string): DemoMessage | undefined {
    return this.#messages.get(id);
  }

  /** A message as the bridge names it: by the messenger's `id`, or by amoCRM's `message_id`. */
  messageByRef(ref: { id?: string | undefined; message_id?: string | undefined }): DemoMessage | undefined {
    if (ref.id !== undefined) {
      const own = this.#messages.get(ref.id);
      if (own) return own;
    }
    if (ref.message_id === undefined) return undefined;
    for (const message of this.#messages.values()) {
      if (message.amojoMessageId === ref.message_id) return message;
    }
    return undefined;
  }

  addMessage(conversation: DemoConversation, message: DemoMessage): void {
    conversation.messages.push(message);
    this.#messages.set(message.id, message);
  }

  answerFor(eventId: string): DeliveryAnswer | undefined {
    return this.#answers.get(eventId);
  }

  recordEvent(event: ReceivedEvent, answer: DeliveryAnswer, test?: { text?: string }): void {
    this.#answers.set(event.id, answer);
    this.#events.push(event);
    if (this.#events.length > EVENT_LOG_SIZE) this.#events.shift();
    if (test !== undefined) this.#lastTest = { ...event, ...test };
  }

  /** Kept for the page: a refused delivery is otherwise only visible in the backend's retries. */
  recordRefusal(refusal: RefusedDelivery): void {
    this.#refused.push(refusal);
    if (this.#refused.length > REFUSAL_LOG_SIZE) this.#refused.shift();
  }

  /** A deep copy, so neither the page nor a test can change the state by accident. */
  snapshot(
    settings: PublicSettings,
    samples: DemoSnapshot['samples'],
    numbers: DemoSnapshot['numbers'] = [],
  ): DemoSnapshot {
    const lastActivity = (c: DemoConversation) => c.messages.at(-1)?.createdAt ?? c.createdAt;
    const conversations = [...this.#conversations.values()].sort((a, b) => lastActivity(b) - lastActivity(a));
    const snapshot: DemoSnapshot = {
      now: this.now(),
      settings,
      numbers,
      conversations,
      events: this.#events,
      samples,
      refusedDeliveries: this.#refused,
    };
    if (this.#lastTest !== undefined) snapshot.lastTest = this.#lastTest;
    return structuredClone(snapshot);
  }
}
