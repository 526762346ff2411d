import type { BridgeMessageContent, BridgeOutboundContent, BridgeOutboundEmbedded } from '../../contracts/bridge';

/** Who wrote a message, seen from the messenger: its own user (the client) or the business (a manager or bot). */
export type MessageDirection = 'client' | 'manager';

/**
 * Client messages: `sending` until the bridge answers, then `sent` (accepted) or `failed`. Manager messages:
 * `delivered` when the webhook took them (the backend reports that to amoCRM itself), `read` once our read receipt
 * was accepted. The bridge tells the messenger nothing about a manager reading client messages.
 */
export type MessageStatus = 'sending' | 'sent' | 'failed' | 'delivered' | 'read';

export interface MarkupButton {
  text: string;
  url?: string;
}

export interface ListMessageRow {
  callback_data: string;
  title: string;
  description?: string;
}

export interface DemoMarkup {
  buttons?: MarkupButton[][];
  list?: {
    header?: string;
    body: string;
    footer?: string;
    button?: string;
    sections: { title?: string; rows: ListMessageRow[] }[];
  };
}

export interface DemoMessage {
  /** The messenger's id: what client messages are posted under, and what manager deliveries are answered with. */
  id: string;
  conversationId: string;
  direction: MessageDirection;
  status: MessageStatus;
  /** Why the last bridge call for this message failed (an error code from the bridge, or a transport problem). */
  error?: string;
  /** amoCRM's id of a manager message (`message_id` of the event). */
  amojoMessageId?: string;
  /** The outbound event that carried a manager message. */
  eventId?: string;
  sender: { id: string; name?: string; role?: 'manager' | 'bot' };
  content: BridgeMessageContent | BridgeOutboundContent;
  /** The template a manager used: `content.text` is already rendered, this keeps the markers. */
  template?: { id: string; content: string };
  markup?: DemoMarkup;
  replyTo?: BridgeOutboundEmbedded;
  forwarded?: BridgeOutboundEmbedded[];
  /** One reaction per person: the client's, and each manager's by amoCRM user id. */
  reactions: { client?: string; managers: Record<string, string> };
  createdAt: number;
}

export interface DemoConversation {
  /** The messenger's conversation id (derived from the phone, so one conversation per client number). */
  id: string;
  phone?: string;
  client: { id: string; name: string };
  /** amoCRM's chat id, once an event named it. */
  amojoChatId?: string;
  /** `manager` for a "write first" conversation a manager started by phone. */
  startedBy: 'client' | 'manager';
  /** A manager is typing until this moment (ms, server clock). */
  typing?: { senderId: string; expiresAt: number };
  messages: DemoMessage[];
  createdAt: number;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  receivedAt: number;
}

/** What the page and the tests see. Secrets never appear here, only hints. */
export interface PublicSettings {
  bridgeUrl: string | null;
  apiKeyHint: string | null;
  signingSecretHint: string | null;
  /** A bridge URL, an API key and a signing secret are all set. */
  configured: boolean;
  /** Paste this into the widget panel. */
  webhookUrl: string;
}

export interface DemoSnapshot {
  /** The server's clock (ms) when the snapshot was taken, so the page can time the typing indicator. */
  now: number;
  settings: PublicSettings;
  /** Newest activity first. */
  conversations: DemoConversation[];
  /** Every webhook event taken, newest last (at most the last 200). */
  events: ReceivedEvent[];
  lastTest?: ReceivedEvent & { text?: string };
  samples: { name: string; url: string; size: number }[];
}
