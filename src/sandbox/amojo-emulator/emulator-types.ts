// Records kept by the emulator. Ids named `id` are amojo's (UUIDs minted here); ids the integration invents are
// named after the wire field that carries them (conversationId, clientId, msgid).

export interface ConnectionRecord {
  readonly scopeId: string;
  readonly accountId: string;
  title: string;
  /** Stored exactly as the connect request asked; only 'v2' scopes receive hooks. */
  hookApiVersion: string;
  isTimeWindowDisabled: boolean;
  connected: boolean;
  connectedAt: number;
  disconnectedAt?: number;
}

export type ParticipantKind = 'client' | 'manager' | 'bot';

export interface ParticipantRecord {
  readonly id: string;
  readonly kind: ParticipantKind;
  /** Clients live inside one scope; managers and the channel bot are shared by all scopes. */
  readonly scopeId?: string;
  /** The integration's user id; absent for amoCRM users and for write-first clients until bound. */
  clientId?: string;
  name: string;
  avatar?: string;
  phone?: string;
  email?: string;
  profileLink?: string;
}

export type ChatOrigin = 'create_chat' | 'new_message' | 'write_first';

export interface ChatRecord {
  readonly id: string;
  readonly scopeId: string;
  /** The integration's conversation_id; absent for a write-first chat until the client's answer binds it. */
  conversationId?: string;
  sourceExternalId?: string;
  readonly clientParticipantId: string;
  readonly origin: ChatOrigin;
  readonly createdAt: number;
}

/** Message body in amojo's own snake_case shape, so hooks and history can echo it without mapping. */
export interface MessageContent {
  readonly type: string;
  readonly text: string;
  readonly [field: string]: unknown;
}

/** A quoted or forwarded message: a stored one (id, chatId) or inline data the integration sent. */
export interface EmbeddedMessage {
  readonly id?: string;
  readonly chatId?: string;
  readonly inline?: Readonly<Record<string, unknown>>;
}

export interface DeliveryStatusRecord {
  readonly status: number;
  readonly errorCode?: number;
  readonly error?: string;
  readonly at: number;
}

export interface ReactionRecord {
  /** amojo participant id of the reacting user when known, else the integration's user id. */
  readonly userId: string;
  readonly by: 'integration' | 'amocrm';
  readonly emoji: string;
  readonly at: number;
}

/** incoming = client to amoCRM (sent by the integration); outgoing = to the client (manager, bot or imported). */
export type MessageDirection = 'incoming' | 'outgoing';

export interface MessageRecord {
  readonly id: string;
  msgid?: string;
  readonly chatId: string;
  readonly scopeId: string;
  readonly direction: MessageDirection;
  readonly senderId: string;
  readonly receiverId?: string;
  content: MessageContent;
  readonly timestamp: number;
  readonly msecTimestamp: number;
  readonly silent: boolean;
  readonly origin: 'api' | 'control';
  replyTo?: EmbeddedMessage;
  forwards?: readonly EmbeddedMessage[];
  /** null until a status arrives: amojo has no enum value for "sent". */
  deliveryStatus: DeliveryStatusRecord | null;
  readonly statusHistory: DeliveryStatusRecord[];
  readonly reactions: ReactionRecord[];
  editedAt?: number;
}

export interface TypingRecord {
  readonly scopeId: string;
  readonly chatId: string;
  readonly by: 'integration' | 'amocrm';
  readonly userId: string;
  readonly durationMs: number;
  readonly at: number;
  /** For manager typing: whether a hook went out (amojo sends at most one per 5 s). */
  readonly hookSent?: boolean;
}

export type HookKind = 'message' | 'typing' | 'reaction';

/** Whether hooks go out (`send`) or are recorded and dropped (`drop`), see HookEmitter.setMode. */
export type HookDeliveryMode = 'send' | 'drop';

export interface HookDelivery {
  readonly id: number;
  readonly kind: HookKind;
  readonly scopeId: string;
  readonly url: string;
  readonly body: string;
  readonly signature: string;
  /** `dropped`: never sent, because hook delivery was set to `drop` (setHookDelivery). */
  state: 'pending' | 'delivered' | 'failed' | 'skipped' | 'dropped';
  /** HTTP status answered by the receiver. */
  status?: number;
  /** Why the delivery failed or was skipped. */
  error?: string;
  readonly at: number;
  durationMs?: number;
}
