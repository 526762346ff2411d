import { z } from 'zod/mini';
import {
  type BridgeMessageRequest,
  bridgeMessageRequest,
  bridgePaths,
  bridgeReactionRequest,
  bridgeReceiptRequest,
  bridgeTypingRequest,
} from '../../contracts/bridge';
import { type ActionResult, actionError, bridgeFailure, issuesOf } from './action-result';
import { type ClientMessageInput, clientMessageContent, type SampleMedia } from './client-message-input';
import type { BridgeClient } from './create-bridge-client';
import type { DemoMessage } from './demo-messenger-types';
import { followMessageStatus } from './follow-message-status';
import type { MessengerState } from './messenger-state';
import { retryNotFound } from './retry-not-found';

export interface ClientActionDeps {
  state: MessengerState;
  /** The bridge with the key of the conversation's number; one client serves a messenger with a single number. */
  bridge: BridgeClient | ((numberId: string) => BridgeClient);
  now: () => number;
  newId: () => string;
  sample: (name: string) => SampleMedia | undefined;
  retryDelaysMs: readonly number[];
  /** Looks at a sent client message's fate after each of these waits (see follow-message-status.ts). */
  statusPollDelaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
}

const noConversation = () => actionError(404, 'conversation_not_found', 'No conversation with this id.');
const noMessage = () => actionError(404, 'message_not_found', 'No message with this id.');

/** Validates a bridge request before it leaves, so the messenger only ever sends what the contract allows. */
function checked<S extends z.core.$ZodType>(schema: S, body: unknown): { ok: true; body: z.infer<S> } | ActionResult {
  const parsed = z.safeParse(schema, body);
  if (parsed.success) return { ok: true, body: parsed.data };
  return actionError(400, 'invalid_request', 'The bridge contract does not allow this.', {
    issues: issuesOf(parsed.error),
  });
}

/** What the "client" does on the page, each as a call to our bridge API with the link's key. */
export function createClientActions(deps: ClientActionDeps) {
  const { state } = deps;
  // Each number has its own key: a client message must reach the backend as its conversation's number's.
  const bridgeOf = (conversationId: string): BridgeClient => {
    if (typeof deps.bridge !== 'function') return deps.bridge;
    const numberId = state.conversation(conversationId)?.numberId;
    return deps.bridge(numberId ?? '');
  };
  // Kept so a retry posts exactly the same body: the bridge answers a changed body under the same id with a 409.
  const requests = new Map<string, BridgeMessageRequest>();
  const readsInFlight = new Set<string>();

  async function deliver(message: DemoMessage): Promise<ActionResult> {
    const request = requests.get(message.id);
    if (request === undefined) return noMessage();
    const bridge = bridgeOf(message.conversationId);
    const result = await bridge.post(bridgePaths.messages, request);
    if (result.ok) {
      message.status = 'sent';
      delete message.error;
      // Not awaited: the page gets its answer (one tick) now, the second tick comes by the SSE stream.
      const follow = { bridge, state, delaysMs: deps.statusPollDelaysMs, sleep: deps.sleep };
      followMessageStatus(follow, message).catch(() => {});
    } else {
      message.status = 'failed';
      message.error = result.code;
    }
    state.changed();
    return result.ok
      ? { status: 200, body: { message: structuredClone(message) } }
      : bridgeFailure(result, { message });
  }

  return {
    async sendMessage(conversationId: string, input: ClientMessageInput): Promise<ActionResult> {
      const conversation = state.conversation(conversationId);
      if (conversation === undefined) return noConversation();
      const content = clientMessageContent(input, deps.sample);
      if (content === undefined) return actionError(400, 'unknown_sample', 'No sample image with this name.');
      const now = deps.now();
      const phone = conversation.phone === undefined ? {} : { phone: conversation.phone };
      const valid = checked(bridgeMessageRequest, {
        id: `cm-${deps.newId()}`,
        conversation: { id: conversation.id, ...phone },
        sender: { id: conversation.client.id, name: conversation.client.name, ...phone },
        message: content,
        sent_at: new Date(now).toISOString(),
      });
      if (!('ok' in valid)) return valid;
      const request = valid.body;
      requests.set(request.id, request);
      const message: DemoMessage = {
        id: request.id,
        conversationId: conversation.id,
        direction: 'client',
        status: 'sending',
        sender: { id: conversation.client.id, name: conversation.client.name },
        content: request.message,
        reactions: { managers: {} },
        createdAt: now,
      };
      state.addMessage(conversation, message);
      state.changed();
      return deliver(message);
    },

    /** Posts a failed message again under the same id; the bridge makes a repeat a no-op. */
    async retryMessage(messageId: string): Promise<ActionResult> {
      const message = state.message(messageId);
      if (message?.direction !== 'client') return noMessage();
      message.status = 'sending';
      state.changed();
      return deliver(message);
    },

    async sendTyping(conversationId: string): Promise<ActionResult> {
      const conversation = state.conversation(conversationId);
      if (conversation === undefined) return noConversation();
      const valid = checked(bridgeTypingRequest, {
        conversation: { id: conversation.id },
        sender: { id: conversation.client.id },
      });
      if (!('ok' in valid)) return valid;
      const result = await bridgeOf(conversation.id).post(bridgePaths.typing, valid.body);
      return result.ok ? { status: 200, body: { bridge: result.body } } : bridgeFailure(result);
    },

    /** Sets the client's reaction on a message, or removes it with `emoji: null`. */
    async react(messageId: string, emoji: string | null): Promise<ActionResult> {
      const message = state.message(messageId);
      const conversation = message === undefined ? undefined : state.conversation(message.conversationId);
      if (message === undefined || conversation === undefined) return noMessage();
      if (emoji === null && message.reactions.client === undefined) return { status: 200, body: { unchanged: true } };
      const ref = message.amojoMessageId === undefined ? { id: message.id } : { message_id: message.amojoMessageId };
      const valid = checked(bridgeReactionRequest, {
        id: `r-${deps.newId()}`,
        sender: { id: conversation.client.id },
        message: ref,
        ...(emoji === null ? { type: 'unreact' } : { type: 'react', emoji }),
      });
      if (!('ok' in valid)) return valid;
      const result = await retryNotFound(
        () => bridgeOf(conversation.id).post(bridgePaths.reactions, valid.body),
        deps.retryDelaysMs,
        deps.sleep,
      );
      if (!result.ok) return bridgeFailure(result);
      if (emoji === null) delete message.reactions.client;
      else message.reactions.client = emoji;
      state.changed();
      return { status: 200, body: { message: structuredClone(message) } };
    },

    /** Tells the bridge the client has seen a manager message; once per message, however often the page asks. */
    async markRead(messageId: string): Promise<ActionResult> {
      const message = state.message(messageId);
      if (message?.direction !== 'manager' || message.amojoMessageId === undefined) return noMessage();
      if (message.status === 'read' || readsInFlight.has(message.id)) {
        return { status: 200, body: { unchanged: true } };
      }
      const valid = checked(bridgeReceiptRequest, { message: { message_id: message.amojoMessageId }, status: 'read' });
      if (!('ok' in valid)) return valid;
      readsInFlight.add(message.id);
      try {
        const result = await retryNotFound(
          () => bridgeOf(message.conversationId).post(bridgePaths.receipts, valid.body),
          deps.retryDelaysMs,
          deps.sleep,
        );
        if (!result.ok) {
          message.error = result.code;
          state.changed();
          return bridgeFailure(result);
        }
        message.status = 'read';
        delete message.error;
        state.changed();
        return { status: 200, body: { message: structuredClone(message) } };
      } finally {
        readsInFlight.delete(message.id);
      }
    },
  };
}

export type ClientActions = ReturnType<typeof createClientActions>;
