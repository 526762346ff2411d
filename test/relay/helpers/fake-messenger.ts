import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../../../src/bridge/verify-bridge-delivery';
import { type BridgeOutboundEvent, bridgeOutboundEvent } from '../../../src/contracts/bridge';

export interface ReceivedEvent {
  event: BridgeOutboundEvent;
  /** HTTP status we answered. */
  status: number;
}

/** What the messenger answers: 200 with ids, another status, or a dropped connection ("down"). */
export type MessengerMode = { kind: 'ok' } | { kind: 'status'; status: number; retryAfter?: number } | { kind: 'down' };

export type Answer = (event: BridgeOutboundEvent) => Record<string, string>;

/**
 * A messenger as the bridge contract describes it: verifies every delivery's signature and timestamp, parses it with
 * the outbound event schema, dedupes on the event id (a redelivery gets the first answer again) and records
 * everything. `answer` picks the ids it replies with.
 */
export async function startFakeMessenger(secret: string, answer: Answer = (e) => ({ message_id: `msgr-${e.id}` })) {
  const received: ReceivedEvent[] = [];
  const rejected: string[] = [];
  const answers = new Map<string, Record<string, string>>();
  const state: { mode: MessengerMode; delayMs: number; arrived: number } = {
    mode: { kind: 'ok' },
    delayMs: 0,
    arrived: 0,
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verdict = verifyBridgeDelivery({
        secrets: [secret],
        timestamp: req.headers['x-channel-timestamp'] as string | undefined,
        signature: req.headers['x-channel-signature'] as string | undefined,
        body,
        now: Math.floor(Date.now() / 1000),
      });
      const parsed = z.safeParse(bridgeOutboundEvent, safeJson(body));
      if (verdict !== 'ok' || !parsed.success || req.headers['x-channel-event-id'] !== parsed.data.id) {
        rejected.push(verdict !== 'ok' ? verdict : 'schema');
        return void res.writeHead(400).end();
      }
      const event = parsed.data;
      state.arrived += 1;
      const { mode } = state;
      const respond = () => {
        if (mode.kind === 'down') return void res.destroy();
        if (mode.kind === 'status') {
          received.push({ event, status: mode.status });
          const headers = mode.retryAfter === undefined ? {} : { 'Retry-After': String(mode.retryAfter) };
          return void res.writeHead(mode.status, headers).end();
        }
        received.push({ event, status: 200 });
        const reply = answers.get(event.id) ?? answer(event);
        answers.set(event.id, reply);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
      };
      if (state.delayMs > 0) setTimeout(respond, state.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/channel`,
    state,
    received,
    rejected,
    /** Events we accepted (answered 2xx), once per event id. */
    accepted(): BridgeOutboundEvent[] {
      const byId = new Map<string, BridgeOutboundEvent>();
      for (const r of received) if (r.status === 200 && !byId.has(r.event.id)) byId.set(r.event.id, r.event);
      return [...byId.values()];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export type FakeMessenger = Awaited<ReturnType<typeof startFakeMessenger>>;
