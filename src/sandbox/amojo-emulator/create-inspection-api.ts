import type { EmulatorStore } from './emulator-store';
import type {
  ChatRecord,
  ConnectionRecord,
  HookDelivery,
  MessageRecord,
  ParticipantRecord,
  TypingRecord,
} from './emulator-types';
import type { Fault, FaultInjector } from './fault-injector';

/** Read-only views of the emulator's memory, for tests and the sandbox inbox. Every call returns copies. */
export interface InspectionApi {
  listConnections(): ConnectionRecord[];
  listParticipants(scopeId?: string): ParticipantRecord[];
  /** Chats in creation order, optionally of one scope. */
  listChats(scopeId?: string): ChatRecord[];
  getChat(chatId: string): ChatRecord | undefined;
  /** A chat's messages in the order they reached the emulator (history answers newest first instead). */
  listMessages(chatId: string): MessageRecord[];
  getMessage(messageId: string): MessageRecord | undefined;
  findMessageByMsgid(scopeId: string, msgid: string): MessageRecord | undefined;
  listTypingEvents(): TypingRecord[];
  listHookDeliveries(): HookDelivery[];
  pendingMisbehaviour(): (Fault & { readonly remaining: number })[];
}

const copy = structuredClone;

export function createInspectionApi(store: EmulatorStore, faults: FaultInjector): InspectionApi {
  const inScope = <T extends { readonly scopeId?: string | undefined }>(items: Iterable<T>, scopeId?: string): T[] =>
    [...items].filter((item) => scopeId === undefined || item.scopeId === scopeId);
  return {
    listConnections: () => copy([...store.connections.values()]),
    listParticipants: (scopeId) => copy(inScope(store.participants.values(), scopeId)),
    listChats: (scopeId) => copy(inScope(store.chats.values(), scopeId)),
    getChat: (chatId) => copy(store.chats.get(chatId)),
    listMessages: (chatId) => copy([...store.messagesOf(chatId)]),
    getMessage: (messageId) => copy(store.messages.get(messageId)),
    findMessageByMsgid: (scopeId, msgid) => copy(store.findMessageByMsgid(scopeId, msgid)),
    listTypingEvents: () => copy(store.typing),
    listHookDeliveries: () => copy(store.hooks),
    pendingMisbehaviour: () => [...faults.pending()],
  };
}
