import type { ChatRecord, HookDelivery, MessageRecord, ParticipantRecord } from '../amojo-emulator/emulator-types';
import type { InboxEmulator } from './amocrm-page-options';
import type {
  InboxButton,
  InboxChat,
  InboxDeliveryStatus,
  InboxDirectory,
  InboxMessage,
  InboxState,
} from './page-types';

export type { InboxDirectory, InboxDirectoryResolver } from './page-types';

/** Where a chat's new leads go and whom it is bound to; nulls when amoCRM does not say (or was not asked). */
export interface InboxChatCrm {
  /** The chat's source: `name` null when amoCRM has no source with that external id (deleted, or not synced yet). */
  readonly source: { readonly externalId: string; readonly name: string | null } | null;
  /** The source's pipeline, or the main one for an untagged chat or a source without one (amoCRM's default). */
  readonly pipeline: { readonly id: number; readonly name: string } | null;
  readonly contact: { readonly id: number; readonly name: string } | null;
}

/** A write-first "through number" choice: a source and the pipeline its leads land in. */
export interface InboxSourceOption {
  readonly externalId: string;
  readonly name: string;
  readonly pipelineName: string | null;
}

export type InboxChatView = InboxChat & InboxChatCrm;

/** The inbox state as served: every chat with its source, pipeline and contact, and the numbers to write through. */
export type InboxStateView = Omit<InboxState, 'chats' | 'thread'> & {
  readonly chats: readonly InboxChatView[];
  readonly thread: { readonly chat: InboxChatView; readonly messages: readonly InboxMessage[] } | null;
  readonly sources: readonly InboxSourceOption[];
};

/** A long thread is cut to its newest messages; the inbox is for looking, the emulator keeps everything. */
export const THREAD_LIMIT = 300;

export interface InboxStateInput {
  readonly emulator: InboxEmulator;
  readonly now: Date;
  /** The page account's amojo id: its scope is where write-first starts. */
  readonly accountAmojoId: string;
  readonly chatId: string | null;
  /** Which amojo message each message hook announced, by hook id (hook bodies never change, so it is cached). */
  readonly hookMessageIds: Map<number, string | null>;
  /** amoCRM's side of the chats; without it every chat shows only its source's external id. */
  readonly directory?: InboxDirectory | undefined;
}

const statusNames: Readonly<Record<number, InboxDeliveryStatus>> = { 1: 'delivered', 2: 'read', [-1]: 'error' };

function preview(message: MessageRecord): string {
  const text = message.content.text.trim();
  if (text !== '') return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `[${message.content.type}]`;
}

function buttonsOf(markup: unknown): InboxButton[][] {
  const value = markup as {
    buttons?: unknown;
    list_message?: { sections?: { rows?: { title?: unknown }[] }[] };
  } | null;
  if (Array.isArray(value?.buttons)) {
    return value.buttons.map((row: unknown) =>
      Array.isArray(row)
        ? row.map((b: { text?: unknown; url?: unknown }) => ({
            text: String(b.text ?? ''),
            ...(typeof b.url === 'string' ? { url: b.url } : {}),
          }))
        : [],
    );
  }
  const sections = value?.list_message?.sections ?? [];
  return sections.map((section) => (section.rows ?? []).map((row) => ({ text: String(row.title ?? '') })));
}

function hookMessageId(hook: HookDelivery, cache: Map<number, string | null>): string | null {
  const known = cache.get(hook.id);
  if (known !== undefined) return known;
  let id: string | null = null;
  try {
    const body = JSON.parse(hook.body) as { message?: { message?: { id?: unknown } } };
    id = typeof body.message?.message?.id === 'string' ? body.message.message.id : null;
  } catch {
    id = null;
  }
  cache.set(hook.id, id);
  return id;
}

/** Write-first starts in the page account's scope when it is connected, else in the first connected one. */
export function pickDefaultScope(
  scopes: readonly { readonly scopeId: string; readonly accountId: string; readonly connected: boolean }[],
  accountAmojoId: string,
): string | null {
  const own = scopes.find((s) => s.connected && s.accountId === accountAmojoId);
  return own?.scopeId ?? scopes.find((s) => s.connected)?.scopeId ?? null;
}

/** The inbox's view of the emulator: chats newest first, and the open chat's thread with statuses and reactions. */
export function buildInboxState(input: InboxStateInput): InboxStateView {
  const { emulator, now } = input;
  const nowMs = now.getTime();
  const participants = new Map<string, ParticipantRecord>(emulator.listParticipants().map((p) => [p.id, p]));
  const typing = emulator.listTypingEvents().filter((t) => t.by === 'integration' && t.at + t.durationMs > nowMs);
  const hooks = new Map<string, HookDelivery>();
  for (const hook of emulator.listHookDeliveries()) {
    if (hook.kind !== 'message') continue;
    const id = hookMessageId(hook, input.hookMessageIds);
    if (id !== null) hooks.set(id, hook);
  }
  const scopes = emulator.listConnections().map((c) => ({
    scopeId: c.scopeId,
    accountId: c.accountId,
    title: c.title,
    connected: c.connected,
  }));
  const defaultScopeId = pickDefaultScope(scopes, input.accountAmojoId);

  const crmOf = crmResolver(input.directory);
  const toChat = (chat: ChatRecord, messages: readonly MessageRecord[]): InboxChatView => {
    const client = participants.get(chat.clientParticipantId);
    const last = messages.at(-1);
    return {
      id: chat.id,
      scopeId: chat.scopeId,
      clientName: client?.name || client?.phone || 'Client',
      clientPhone: client?.phone ?? null,
      conversationId: chat.conversationId ?? null,
      unbound: chat.conversationId === undefined,
      lastMessage: last === undefined ? null : { text: preview(last), direction: last.direction },
      lastAt: last?.msecTimestamp ?? chat.createdAt,
      clientTyping: typing.some((t) => t.chatId === chat.id),
      ...crmOf(chat),
    };
  };

  const toMessage = (message: MessageRecord): InboxMessage => {
    const status = message.deliveryStatus;
    const hook = message.direction === 'outgoing' && message.origin === 'control' ? hooks.get(message.id) : undefined;
    const quoted = message.replyTo;
    const quotedText =
      quoted?.id !== undefined
        ? (emulator.getMessage(quoted.id)?.content.text ?? '')
        : String((quoted?.inline as { text?: unknown } | undefined)?.text ?? '');
    return {
      id: message.id,
      msgid: message.msgid ?? null,
      direction: message.direction,
      senderName: participants.get(message.senderId)?.name ?? 'Client',
      type: message.content.type,
      text: message.content.text,
      media: typeof message.content.media === 'string' ? message.content.media : null,
      fileName: typeof message.content.file_name === 'string' ? message.content.file_name : null,
      buttons: buttonsOf(message.content.markup),
      at: message.msecTimestamp,
      status:
        message.direction === 'incoming' ? null : status === null ? 'sent' : (statusNames[status.status] ?? 'sent'),
      errorCode: status?.errorCode ?? null,
      errorText: status?.error ?? null,
      reactions: message.reactions.map((r) => ({
        emoji: r.emoji,
        by: r.by === 'integration' ? 'client' : 'manager',
        userId: r.userId,
        userName: participants.get(r.userId)?.name ?? (r.by === 'integration' ? 'Client' : 'Manager'),
      })),
      replyTo: quoted === undefined ? null : { id: quoted.id ?? '', text: quotedText },
      edited: message.editedAt !== undefined,
      hook:
        hook === undefined
          ? null
          : { state: hook.state, detail: hook.error ?? (hook.status === undefined ? null : `HTTP ${hook.status}`) },
    };
  };

  let thread: InboxStateView['thread'] = null;
  const chats = emulator
    .listChats()
    .map((chat) => {
      const messages = emulator.listMessages(chat.id);
      const view = toChat(chat, messages);
      if (chat.id === input.chatId) thread = { chat: view, messages: messages.slice(-THREAD_LIMIT).map(toMessage) };
      return view;
    })
    .sort((a, b) => b.lastAt - a.lastAt);
  return { now: nowMs, scopes, defaultScopeId, chats, thread, sources: sourceOptions(input.directory) };
}

/** The source, pipeline and contact of a chat, looked up in the directory (names only where amoCRM has them). */
function crmResolver(directory: InboxDirectory | undefined): (chat: ChatRecord) => InboxChatCrm {
  const sources = new Map((directory?.sources ?? []).map((s) => [s.externalId, s]));
  const pipelines = new Map((directory?.pipelines ?? []).map((p) => [p.id, p]));
  const main = directory?.pipelines.find((p) => p.isMain);
  return (chat) => {
    const external = chat.sourceExternalId;
    const source = external === undefined ? undefined : sources.get(external);
    // amoCRM sends a chat of an unknown (or no) source down its default path: the main pipeline's Unsorted
    const pipelineId = source?.pipelineId ?? main?.id;
    const pipeline = pipelineId === undefined ? undefined : pipelines.get(pipelineId);
    const contact = directory?.contactsByChat[chat.id];
    return {
      source: external === undefined ? null : { externalId: external, name: source?.name ?? null },
      pipeline: pipeline === undefined ? null : { id: pipeline.id, name: pipeline.name },
      contact: contact === undefined ? null : { id: contact.id, name: contact.name },
    };
  };
}

function sourceOptions(directory: InboxDirectory | undefined): InboxSourceOption[] {
  const pipelines = new Map((directory?.pipelines ?? []).map((p) => [p.id, p]));
  const main = directory?.pipelines.find((p) => p.isMain);
  return (directory?.sources ?? []).map((source) => ({
    externalId: source.externalId,
    name: source.name,
    pipelineName: pipelines.get(source.pipelineId ?? main?.id ?? -1)?.name ?? null,
  }));
}
