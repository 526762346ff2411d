import type { EmulatorStore } from './emulator-store';
import type { ChatRecord, EmbeddedMessage } from './emulator-types';
import { badField } from './error-responses';
import type { Resolved } from './resolve-participants';

/** Structural view of contracts' `embeddedMessage`. */
export interface EmbeddedInput {
  readonly id?: string;
  readonly msgid?: string;
  readonly [field: string]: unknown;
}

export interface ForwardsInput {
  readonly messages: readonly EmbeddedInput[];
  readonly conversation_ref_id?: string;
  readonly conversation_id?: string;
}

const fail = (path: string, message: string): Resolved<never> => ({
  ok: false,
  response: badField(path, message),
});

/**
 * A quoted message given by reference must exist in this scope (and, for reply_to, in the same chat); one given
 * inline is kept as sent.
 */
export function resolveEmbedded(
  store: EmulatorStore,
  scopeId: string,
  input: EmbeddedInput,
  path: string,
  sameChat: { readonly chatId: string | undefined; readonly rule: string } | undefined,
): Resolved<EmbeddedMessage> {
  if (input.id === undefined && input.msgid === undefined) {
    const inline = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    return { ok: true, value: { inline } };
  }
  const message =
    input.id !== undefined
      ? store.findMessageInScope(scopeId, input.id)
      : store.findMessageByMsgid(scopeId, input.msgid!);
  const field = input.id !== undefined ? 'id' : 'msgid';
  if (!message) return fail(`${path}.${field}`, `no message ${input[field] as string} in this scope`);
  if (sameChat && message.chatId !== sameChat.chatId) return fail(`${path}.${field}`, sameChat.rule);
  return { ok: true, value: { id: message.id, chatId: message.chatId } };
}

/** forwards: at most one message (the contract enforces it) from any chat of the channel in this scope. */
export function resolveForwards(
  store: EmulatorStore,
  scopeId: string,
  forwards: ForwardsInput,
  path: string,
): Resolved<readonly EmbeddedMessage[]> {
  let fromChat: ChatRecord | undefined;
  if (forwards.conversation_ref_id !== undefined) {
    fromChat = store.findChatInScope(scopeId, forwards.conversation_ref_id);
    if (!fromChat) return fail(`${path}.conversation_ref_id`, `no chat ${forwards.conversation_ref_id} in this scope`);
  } else if (forwards.conversation_id !== undefined) {
    fromChat = store.findChatByConversation(scopeId, forwards.conversation_id);
    if (!fromChat) return fail(`${path}.conversation_id`, `no conversation ${forwards.conversation_id} in this scope`);
  }
  const rule = fromChat ? { chatId: fromChat.id, rule: 'is not in the chat named by forwards' } : undefined;
  const resolved: EmbeddedMessage[] = [];
  for (const [index, message] of forwards.messages.entries()) {
    const one = resolveEmbedded(store, scopeId, message, `${path}.messages.${index}`, rule);
    if (!one.ok) return one;
    resolved.push(one.value);
  }
  return { ok: true, value: resolved };
}
