import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/mini';
import { type BridgeEventContext, hookToBridgeEvent } from '../../../src/bridge/hook-to-bridge-event';
import { signBridgeDelivery } from '../../../src/bridge/sign-bridge-delivery';
import { parseAmojoWebhook } from '../../../src/contracts/amojo';
import { type BridgeOutboundEvent, bridgeOutboundEvent, bridgePaths } from '../../../src/contracts/bridge';
import {
  type DemoMessengerOptions,
  startDemoMessenger,
} from '../../../src/sandbox/demo-messenger/start-demo-messenger';
import { fixtureJson } from '../../fixtures/amojo';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and reshape doc fixtures
export type Json = any;

export const API_KEY = 'ck_live_4f9c2a7d1e8b6c3f0a5d9e2b7c4f1a8d';
export const SIGNING_SECRET = 'cs_8c1f4e7a2d9b6c3e0f5a8d1b4e7c2a9f6d3b0e5c';
/** What the fake bridge's `GET /bridge/v1/me` names. */
export const LINK_ME = {
  title: 'Demo shop',
  account: { id: 30_000_001, subdomain: 'demoshop', region: 'ru' },
  webhook_url: null,
};
export const START = Date.parse('2026-03-02T10:00:00Z');

export interface BridgeCall {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

interface ScriptedResponse {
  status: number;
  body?: unknown;
}

/**
 * A stand-in for our backend's bridge API: records every call and answers 202 `accepted` the way the bridge does,
 * unless a response was scripted for that path (`respond`, used once each, in order). `GET /bridge/v1/me` answers
 * for `link.apiKey` only, signed with `link.signingSecret` at `now()` (Unix ms), as the bridge does; its calls are
 * kept apart in `meCalls` so `calls` stays what the client did.
 */
export async function startFakeBridge(now: () => number = Date.now) {
  const calls: BridgeCall[] = [];
  const meCalls: BridgeCall[] = [];
  const link = { apiKey: API_KEY, signingSecret: SIGNING_SECRET };
  const scripted = new Map<string, ScriptedResponse[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const path = req.url ?? '';
      const call = {
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      };
      if (path === bridgePaths.me && !scripted.get(path)?.length) {
        meCalls.push(call);
        if (call.authorization !== `Bearer ${link.apiKey}`) {
          const refused = { error: { code: 'auth_invalid', message: 'The API key is not valid.' } };
          res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify(refused));
          return;
        }
        const me = Buffer.from(JSON.stringify(LINK_ME));
        const signed = signBridgeDelivery({
          secret: link.signingSecret,
          timestamp: Math.floor(now() / 1000),
          body: me,
          context: 'response',
        });
        res.writeHead(200, { 'Content-Type': 'application/json', ...signed }).end(me);
        return;
      }
      (path === bridgePaths.me ? meCalls : calls).push(call);
      const id = String((body as { id?: unknown } | undefined)?.id ?? 'accepted');
      const answer = scripted.get(path)?.shift() ?? { status: 202, body: { accepted: true, id, duplicate: false } };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    meCalls,
    /** The credentials the bridge's link holds now; change them to play a rotation or a relink. */
    link,
    callsTo: (path: string) => calls.filter((call) => call.path === path),
    respond(path: string, ...responses: ScriptedResponse[]) {
      scripted.set(path, [...(scripted.get(path) ?? []), ...responses]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeBridge = Awaited<ReturnType<typeof startFakeBridge>>;

/**
 * An outbound event exactly as the backend builds it from an amoCRM docs hook (test/fixtures/amojo), optionally
 * changed first; checked against the contract so a fixture can never drift from what the bridge sends.
 */
export function docEvent(
  file: string,
  ctx: Partial<BridgeEventContext> & { eventId: string },
  change: (hook: Record<string, Json>) => void = () => {},
): BridgeOutboundEvent {
  const hook = fixtureJson<Record<string, Json>>(file);
  change(hook);
  const parsed = parseAmojoWebhook(hook);
  if (parsed.kind === 'invalid' || parsed.kind === 'v1') throw new Error(`${file} is not a bridgeable hook`);
  const event = hookToBridgeEvent(parsed, { linkId: 'link-1', ...ctx });
  return z.parse(bridgeOutboundEvent, event);
}

export interface DeliverOptions {
  secret?: string;
  /** Unix seconds; the messenger's clock by default. */
  timestamp?: number;
  /** Overrides applied after signing; undefined removes a header. */
  headers?: Record<string, string | undefined>;
  /** Sent instead of the signed bytes (a tampered body). */
  rawBody?: string;
}

/** `bridgeUrl: null` starts without one (the data file's then counts); by default it is the fake bridge's. */
export type HarnessOptions = Omit<DemoMessengerOptions, 'bridgeUrl'> & { bridgeUrl?: string | null };

/** The demo messenger on port 0 with a settable clock, wired to a fake bridge, with helpers to drive it. */
export async function startMessenger({ bridgeUrl, ...options }: HarnessOptions = {}) {
  const clock = { now: START };
  const bridge = await startFakeBridge(() => clock.now);
  const messenger = await startDemoMessenger({
    ...(bridgeUrl === null ? {} : { bridgeUrl: bridgeUrl ?? bridge.url }),
    now: () => clock.now,
    retryDelaysMs: [5, 5],
    // No second-tick looks unless a test asks: most tests count the bridge calls exactly.
    statusPollDelaysMs: [],
    ...options,
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${messenger.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as Json };
  }

  /** Signs `text` as the backend would and POSTs it to the webhook URL. */
  async function deliverRaw(text: string, options: DeliverOptions = {}) {
    const body = Buffer.from(text, 'utf8');
    const signed = signBridgeDelivery({
      secret: options.secret ?? SIGNING_SECRET,
      timestamp: options.timestamp ?? Math.floor(clock.now / 1000),
      body,
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    for (const [name, value] of Object.entries({ ...signed, ...options.headers })) {
      if (value !== undefined) headers[name] = value;
    }
    const response = await fetch(messenger.webhookUrl, { method: 'POST', headers, body: options.rawBody ?? body });
    return { status: response.status, json: (await response.json()) as Json };
  }

  const deliver = (event: unknown, options: DeliverOptions = {}) => deliverRaw(JSON.stringify(event), options);

  return {
    messenger,
    bridge,
    clock,
    api,
    deliver,
    deliverRaw,
    /** What the admin does after linking: paste the API key and signing secret. */
    configure: () => api('PUT', '/api/settings', { apiKey: API_KEY, signingSecret: SIGNING_SECRET }),
    /** The client "Alex" with this number opens a conversation on the page. */
    openConversation: async (phone = '+1 555 010 2030', name = 'Alex Client') =>
      (await api('POST', '/api/conversations', { name, phone })).json.conversation as { id: string },
    async close() {
      await messenger.close();
      await bridge.close();
    },
  };
}

export type Messenger = Awaited<ReturnType<typeof startMessenger>>;
