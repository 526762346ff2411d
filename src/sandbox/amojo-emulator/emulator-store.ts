import type {
  ChatRecord,
  ConnectionRecord,
  HookDelivery,
  MessageRecord,
  ParticipantRecord,
  TypingRecord,
} from './emulator-types';

// Scope ids never contain NUL, so `scope + NUL + value` is an unambiguous composite key.
const key = (scopeId: string, value: string): string => `${scopeId}\u0000${value}`;

/** The emulator's whole memory. Only indexes live here; the amojo rules live in the endpoint handlers. */
export class EmulatorStore {
  readonly connections = new Map<string, ConnectionRecord>();
  readonly participants = new Map<string, ParticipantRecord>();
  readonly chats = new Map<string, ChatRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly typing: TypingRecord[] = [];
  readonly hooks: HookDelivery[] = [];
  private readonly chatByConversation = new Map<string, string>();
  private readonly clientByClientId = new Map<string, string>();
  private readonly messageByMsgid = new Map<string, string>();
  private readonly messagesByChat = new Map<string, MessageRecord[]>();

  /** A scope that is currently connected, or undefined (never connected or disconnected). */
  connectedScope(scopeId: string): ConnectionRecord | undefined {
    const connection = this.connections.get(scopeId);
    return connection?.connected ? connection : undefined;
  }

  addParticipant(participant: ParticipantRecord): ParticipantRecord {
    this.participants.set(participant.id, participant);
    if (participant.scopeId !== undefined && participant.clientId !== undefined) {
      this.clientByClientId.set(key(participant.scopeId, participant.clientId), participant.id);
    }
    return participant;
  }

  findClient(scopeId: string, clientId: string): ParticipantRecord | undefined {
    const id = this.clientByClientId.get(key(scopeId, clientId));
    return id === undefined ? undefined : this.participants.get(id);
  }

  /** A participant this scope may address by amojo id: its own clients, managers and the bot. */
  findParticipantInScope(scopeId: string, id: string): ParticipantRecord | undefined {
    const participant = this.participants.get(id);
    if (!participant) return undefined;
    return participant.scopeId === undefined || participant.scopeId === scopeId ? participant : undefined;
  }

  bindClientId(participant: ParticipantRecord, clientId: string): void {
    if (participant.scopeId === undefined) return;
    participant.clientId = clientId;
    this.clientByClientId.set(key(participant.scopeId, clientId), participant.id);
  }

  addChat(chat: ChatRecord): ChatRecord {
    this.chats.set(chat.id, chat);
    this.messagesByChat.set(chat.id, []);
    if (chat.conversationId !== undefined) {
      this.chatByConversation.set(key(chat.scopeId, chat.conversationId), chat.id);
    }
    return chat;
  }

  findChatByConversation(scopeId: string, conversationId: string): ChatRecord | undefined {
    const id = this.chatByConversation.get(key(scopeId, conversationId));
    return id === undefined ? undefined : this.chats.get(id);
  }

  findChatInScope(scopeId: string, chatId: string): ChatRecord | undefined {
    const chat = this.chats.get(chatId);
    return chat?.scopeId === scopeId ? chat : undefined;
  }

  bindConversation(chat: ChatRecord, conversationId: string): void {
    chat.conversationId = conversationId;
    this.chatByConversation.set(key(chat.scopeId, conversationId), chat.id);
  }

  addMessage(message: MessageRecord): MessageRecord {
    this.messages.set(message.id, message);
    this.messagesByChat.get(message.chatId)?.push(message);
    if (message.msgid !== undefined) this.messageByMsgid.set(key(message.scopeId, message.msgid), message.id);
    return message;
  }

  findMessageByMsgid(scopeId: string, msgid: string): MessageRecord | undefined {
    const id = this.messageByMsgid.get(key(scopeId, msgid));
    return id === undefined ? undefined : this.messages.get(id);
  }

  findMessageInScope(scopeId: string, messageId: string): MessageRecord | undefined {
    const message = this.messages.get(messageId);
    return message?.scopeId === scopeId ? message : undefined;
  }

  setMsgid(message: MessageRecord, msgid: string): void {
    if (message.msgid !== undefined) this.messageByMsgid.delete(key(message.scopeId, message.msgid));
    message.msgid = msgid;
    this.messageByMsgid.set(key(message.scopeId, msgid), message.id);
  }

  /** Messages of a chat in the order they were stored. */
  messagesOf(chatId: string): readonly MessageRecord[] {
    return this.messagesByChat.get(chatId) ?? [];
  }
}
