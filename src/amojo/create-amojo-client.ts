import { safeParse, type z } from 'zod/mini';
import {
  type ConnectRequest,
  type ConnectResponse,
  type CreateChatRequest,
  type CreateChatResponse,
  connectRequest,
  connectResponse,
  createChatRequest,
  createChatResponse,
  type DeliveryStatusRequest,
  type DisconnectRequest,
  deliveryStatusRequest,
  disconnectRequest,
  type EditMessageRequest,
  editMessageRequest,
  formatIssues,
  type HistoryResponse,
  historyResponse,
  type NewMessageRequest,
  newMessageRequest,
  newMessageResponse,
  type ReactRequest,
  reactRequest,
  type TypingRequest,
  typingRequest,
} from '../contracts/amojo';
import type { FetchLike } from '../egress/fetch-like';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, sleep, withRetry } from '../http/with-retry';
import { AmojoError } from './amojo-error';
import { type AmojoCallEvent, type AmojoEndpoint, call } from './call';
import { isDuplicateMsgid } from './is-duplicate-msgid';
import { pathSegment } from './path-segment';

export interface AmojoClientOptions {
  channelId: string;
  secret: string;
  /** Resolved with `amojoBaseUrl(region, AMOJO_BASE_URL)`. */
  baseUrl: string;
  fetch?: FetchLike;
  now?: () => Date;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  observe?: (event: AmojoCallEvent) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** `false` makes exactly one attempt. */
  retry?: RetryPolicy | false;
}

export type SendMessageResult =
  | {
      duplicate: false;
      /** amojo's id, from `new_message.msgid` in the answer: the one delivery_status, react and edit `id` take. */
      amojoMsgId: string;
      /** Ours, echoed by amojo as `new_message.ref_id`. */
      msgid: string;
      conversationId: string;
      senderId: string | null;
      receiverId: string | null;
    }
  /** amojo already had this msgid: the message exists, so a retry is a success (its amojo id is not returned). */
  | { duplicate: true; msgid: string };

export type AmojoClient = ReturnType<typeof createAmojoClient>;

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Typed methods for the eight amojo endpoints; every one goes through `call()`. */
export function createAmojoClient(options: AmojoClientOptions) {
  const transport = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    secret: options.secret,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? (() => new Date()),
    timeoutMs: options.timeoutMs ?? 10_000,
    observe: options.observe,
  };
  const runtime = { sleep: options.sleep ?? sleep, random: options.random ?? Math.random };
  // Built per call, so a bad channel id fails that call as invalid_request rather than the client's construction.
  const channel = (endpoint: AmojoEndpoint) => `/v2/origin/custom/${pathSegment(options.channelId, endpoint)}`;
  const scope = (scopeId: string, endpoint: AmojoEndpoint) => `/v2/origin/custom/${pathSegment(scopeId, endpoint)}`;

  async function request(
    endpoint: AmojoEndpoint,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts: CallOptions,
    input?: { schema: z.ZodMiniType; value: unknown },
    query?: Record<string, number>,
  ) {
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (input) {
      const parsed = safeParse(input.schema, input.value);
      if (!parsed.success) {
        throw new AmojoError('invalid_request', 'request does not match the contract; not sent', {
          endpoint,
          details: formatIssues(parsed.error),
        });
      }
      body = encode(parsed.data);
    }
    const attempt = () =>
      call(transport, { endpoint, method, path, query, body, signal: opts.signal, timeoutMs: opts.timeoutMs });
    if (opts.retry === false) return attempt();
    return withRetry(attempt, opts.retry ?? options.retry ?? DEFAULT_RETRY_POLICY, runtime, opts.signal);
  }

  function read<S extends z.ZodMiniType>(endpoint: AmojoEndpoint, schema: S, body: unknown): z.infer<S> {
    const parsed = safeParse(schema, body);
    if (!parsed.success) {
      throw new AmojoError('invalid_response', 'answer does not match the documented shape', {
        endpoint,
        details: formatIssues(parsed.error),
      });
    }
    return parsed.data;
  }

  return {
    async connect(body: ConnectRequest, opts: CallOptions = {}): Promise<ConnectResponse> {
      const res = await request('connect', 'POST', `${channel('connect')}/connect`, opts, {
        schema: connectRequest,
        value: body,
      });
      return read('connect', connectResponse, res.body);
    },

    async disconnect(body: DisconnectRequest, opts: CallOptions = {}): Promise<void> {
      await request('disconnect', 'DELETE', `${channel('disconnect')}/disconnect`, opts, {
        schema: disconnectRequest,
        value: body,
      });
    },

    async createChat(scopeId: string, body: CreateChatRequest, opts: CallOptions = {}): Promise<CreateChatResponse> {
      const res = await request('create_chat', 'POST', `${scope(scopeId, 'create_chat')}/chats`, opts, {
        schema: createChatRequest,
        value: body,
      });
      return read('create_chat', createChatResponse, res.body);
    },

    async sendMessage(scopeId: string, body: NewMessageRequest, opts: CallOptions = {}): Promise<SendMessageResult> {
      try {
        const res = await request('new_message', 'POST', scope(scopeId, 'new_message'), opts, {
          schema: newMessageRequest,
          value: body,
        });
        // The id-direction trap: in the answer `msgid` is amojo's id and `ref_id` is ours.
        const { new_message: m } = read('new_message', newMessageResponse, res.body);
        return {
          duplicate: false,
          amojoMsgId: m.msgid,
          msgid: m.ref_id,
          conversationId: m.conversation_id ?? body.payload.conversation_id,
          senderId: m.sender_id ?? null,
          receiverId: m.receiver_id ?? null,
        };
      } catch (error) {
        if (error instanceof AmojoError && isDuplicateMsgid(error.status, error.details)) {
          return { duplicate: true, msgid: body.payload.msgid };
        }
        throw error;
      }
    },

    async editMessage(scopeId: string, body: EditMessageRequest, opts: CallOptions = {}): Promise<void> {
      await request('edit_message', 'POST', scope(scopeId, 'edit_message'), opts, {
        schema: editMessageRequest,
        value: body,
      });
    },

    async deliveryStatus(
      scopeId: string,
      amojoMsgId: string,
      body: DeliveryStatusRequest,
      opts: CallOptions = {},
    ): Promise<void> {
      const path = `${scope(scopeId, 'delivery_status')}/${pathSegment(amojoMsgId, 'delivery_status')}/delivery_status`;
      await request('delivery_status', 'POST', path, opts, { schema: deliveryStatusRequest, value: body });
    },

    /** Newest first; an unknown chat or an empty one (amojo's 204) reads as no messages. */
    async history(
      scopeId: string,
      chatId: string,
      page: { offset?: number; limit?: number } = {},
      opts: CallOptions = {},
    ): Promise<HistoryResponse> {
      const path = `${scope(scopeId, 'history')}/chats/${pathSegment(chatId, 'history')}/history`;
      const query = { offset: page.offset ?? 0, limit: page.limit ?? 50 };
      const res = await request('history', 'GET', path, opts, undefined, query);
      return res.status === 204 || res.body === undefined
        ? { messages: [] }
        : read('history', historyResponse, res.body);
    },

    async typing(scopeId: string, body: TypingRequest, opts: CallOptions = {}): Promise<void> {
      await request('typing', 'POST', `${scope(scopeId, 'typing')}/typing`, opts, {
        schema: typingRequest,
        value: body,
      });
    },

    async react(scopeId: string, body: ReactRequest, opts: CallOptions = {}): Promise<void> {
      await request('react', 'POST', `${scope(scopeId, 'react')}/react`, opts, { schema: reactRequest, value: body });
    },
  };
}
