import type { BridgeMessageContent, BridgeOutboundContent, BridgeOutboundEmbedded } from '../../contracts/bridge';

/** Who wrote a message, seen from the messenger: its own user (the client) or the business (a manager or bot). */
export type MessageDirection = 'client' | 'manager';

/**
 * Client messages: `sending` until the bridge answers, then `sent` (accepted: one tick) or `failed`, and
 * `delivered` (two ticks) once `GET /bridge/v1/messages/{id}` says amoCRM has it. Manager messages: `delivered`
 * when the webhook took them (the backend reports that to amoCRM itself), `read` once our read receipt was accepted.
 * amoCRM tells nobody when a manager reads a client message, so client messages never become `read`.
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

/**
 * One of the messenger's own numbers (a WhatsApp number, a bot): each is linked to the backend on its own, with its
 * own API key, signing secret and webhook path, and each conversation belongs to exactly one.
 */
export interface DemoNumber {
  /** Short and URL-safe: it names the webhook path (`/webhook/<id>`) and the number's settings file. */
  id: string;
  /** What the page calls it, e.g. "Sales line". */
  label: string;
}

export interface DemoConversation {
  /** The messenger's conversation id (derived from the number and the phone: one conversation per client and number). */
  id: string;
  /** The messenger number the conversation runs on: its key sends the client's messages, its webhook gets replies. */
  numberId: string;
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

/** A delivery the webhook refused (bad or missing signature, no secret yet, a body that is not an event). */
export interface RefusedDelivery {
  /** When it came (ms, server clock). */
  at: number;
  /** The HTTP status the webhook answered. */
  status: number;
  /** The error code answered, e.g. `signature_mismatch`. */
  code: string;
  /** Why, in words an admin can act on. */
  reason: string;
  /** `X-Channel-Event-Id` as sent; unverified, shown only to tell refusals apart. */
  eventId?: string;
  /** The number whose webhook refused it. */
  numberId?: string;
}

/** The link the saved API key belongs to, as `GET /bridge/v1/me` named it when the settings were saved. */
export interface LinkSummary {
  title: string;
  subdomain: string;
  accountId: number;
}

/** What the page and the tests see. Secrets never appear here, only hints. */
export interface PublicSettings {
  bridgeUrl: string | null;
  apiKeyHint: string | null;
  signingSecretHint: string | null;
  /**
   * A bridge URL, an API key and a signing secret are all set (saving checks them first, see save-settings.ts), and
   * no later check found them refused (`problem`).
   */
  configured: boolean;
  /** The link the key was last checked against; null before any check. */
  link: LinkSummary | null;
  /**
   * Why the saved credentials stopped working, found by a check at start or after the bridge refused the key (e.g.
   * `api_key_invalid` after a relink, `signing_secret_mismatch` after a rotation); null while nothing is known wrong.
   */
  problem: { code: string; message: string } | null;
  /** Paste this into the widget panel. */
  webhookUrl: string;
}

/** A number as the page and the tests see it. */
export interface DemoNumberView extends DemoNumber {
  /** Paste this into the widget panel for this number. */
  webhookUrl: string;
  settings: PublicSettings;
}

export interface DemoSnapshot {
  /** The server's clock (ms) when the snapshot was taken, so the page can time the typing indicator. */
  now: number;
  /** The first number's settings (the messenger's settings before it ran several numbers). */
  settings: PublicSettings;
  /** Every number, the first one first. */
  numbers: DemoNumberView[];
  /** Newest activity first. */
  conversations: DemoConversation[];
  /** Every webhook event taken, newest last (at most the last 200). */
  events: ReceivedEvent[];
  lastTest?: ReceivedEvent & { text?: string };
  /** Deliveries the webhook refused, newest last (at most the last 20). */
  refusedDeliveries: RefusedDelivery[];
  samples: { name: string; url: string; size: number }[];
}
