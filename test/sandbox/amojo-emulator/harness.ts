import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../../../src/amojo/sign-request';
import {
  type RunningAmojoEmulator,
  type StartAmojoEmulatorOptions,
  startAmojoEmulator,
} from '../../../src/sandbox/amojo-emulator/start-amojo-emulator';

export const CHANNEL_ID = 'f90ba33d-c9d9-44da-b76c-c349b0ecbe41';
export const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
export const ACCOUNT_ID = 'af9945ff-1490-4cad-807d-945c15d88bec';
export const SCOPE_ID = `${CHANNEL_ID}_${ACCOUNT_ID}`;
export const START = new Date('2026-03-02T10:00:00Z');

/** A JSON example from the amoCRM docs (test/fixtures/amojo). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/amojo/${name}.json`, import.meta.url), 'utf8')) as T;
}

export interface ReceivedHook {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly raw: Buffer;
}

/** A stand-in for our backend's webhook route: records every hook and answers `status` (200 by default). */
export async function startHookReceiver() {
  const received: ReceivedHook[] = [];
  const state = { status: 200, delayMs: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      setTimeout(() => res.writeHead(state.status).end(), state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    state,
    hookUrl: `http://127.0.0.1:${port}/amojo/webhook/:scope_id`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface CallInput {
  readonly method?: string;
  readonly path: string;
  /** An object is JSON-encoded; a string or bytes are sent verbatim. */
  readonly body?: unknown;
  /** Appended to the URL after signing (the signature never covers it). */
  readonly query?: string;
  readonly date?: Date;
  readonly secret?: string;
  /** Overrides applied after signing, to break one header at a time; undefined removes the header. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Emulator on port 0 with a settable clock, plus a hook receiver; `call` signs like an amojo client must. */
export async function startHarness(options: Partial<StartAmojoEmulatorOptions> = {}) {
  const receiver = await startHookReceiver();
  const clock = { now: new Date(START) };
  const emulator: RunningAmojoEmulator = await startAmojoEmulator({
    channelId: CHANNEL_ID,
    secret: SECRET,
    hookUrl: receiver.hookUrl,
    now: () => new Date(clock.now),
    ...options,
  });

  async function call(input: CallInput): Promise<CallResult> {
    const method = input.method ?? 'POST';
    const bytes = toBytes(input.body);
    const signed = signRequest({
      method,
      path: input.path,
      body: bytes,
      secret: input.secret ?? SECRET,
      date: input.date ?? clock.now,
    });
    const headers: Record<string, string> = { ...signed };
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    const response = await fetch(`${emulator.url}${input.path}${input.query ?? ''}`, {
      method,
      headers,
      ...(method === 'GET' && bytes.length === 0 ? {} : { body: Buffer.from(bytes) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  const base = `/v2/origin/custom`;
  async function connect(accountId = ACCOUNT_ID, extra: Record<string, unknown> = {}): Promise<string> {
    const result = await call({
      path: `${base}/${CHANNEL_ID}/connect`,
      body: { account_id: accountId, title: 'Test', hook_api_version: 'v2', ...extra },
    });
    if (result.status !== 200) throw new Error(`connect failed: ${result.status} ${result.text}`);
    return result.json<{ scope_id: string }>().scope_id;
  }

  return {
    emulator,
    receiver,
    clock,
    call,
    connect,
    paths: {
      connect: `${base}/${CHANNEL_ID}/connect`,
      disconnect: `${base}/${CHANNEL_ID}/disconnect`,
      message: (scope = SCOPE_ID) => `${base}/${scope}`,
      chats: (scope = SCOPE_ID) => `${base}/${scope}/chats`,
      deliveryStatus: (messageId: string, scope = SCOPE_ID) => `${base}/${scope}/${messageId}/delivery_status`,
      history: (chatId: string, scope = SCOPE_ID) => `${base}/${scope}/chats/${chatId}/history`,
      typing: (scope = SCOPE_ID) => `${base}/${scope}/typing`,
      react: (scope = SCOPE_ID) => `${base}/${scope}/react`,
    },
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

function toBytes(body: unknown): Uint8Array {
  if (body === undefined) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** An inbound text message in the docs' shape with our ids. */
export function inboundText(msgid: string, conversationId: string, clientId = 'client-1', text = 'hello') {
  return {
    event_type: 'new_message',
    payload: {
      timestamp: Math.floor(START.getTime() / 1000),
      msec_timestamp: START.getTime(),
      msgid,
      conversation_id: conversationId,
      sender: { id: clientId, name: 'Client One', profile: { phone: '+79151112233' } },
      message: { type: 'text', text },
      silent: false,
    },
  };
}
