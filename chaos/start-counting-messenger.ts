import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../src/bridge/verify-bridge-delivery';
import { bridgeOutboundEvent } from '../src/contracts/bridge/bridge-outbound-event';

/** One manager message as the messenger took it (answered 200), in arrival order. */
export interface TakenEvent {
  readonly eventId: string;
  /** amoCRM's message id: two event ids for one of these is a doubled message the messenger cannot dedupe. */
  readonly messageId: string;
  readonly conversationId: string;
  readonly text: string;
}

export interface CountingMessenger {
  readonly url: string;
  /** Each event id once, at its first 200. */
  readonly taken: TakenEvent[];
  /** Events that came again after a 200 (same event id): at-least-once delivery the contract allows. */
  readonly redelivered: () => number;
  /** Deliveries that failed the signature or schema check: a bug, reported as such. */
  readonly rejected: string[];
  /** `delayMs` answers late (the message is taken, the answer may come after the backend gave up); `status` refuses. */
  readonly state: { delayMs: number; status: number };
  close(): Promise<void>;
}

/**
 * The messenger at the end of the manager-message path: verifies each delivery as the bridge contract asks, takes
 * each event id once and counts repeats. Its outages are the fault proxy's job; slow and 503 answers are its own.
 */
export async function startCountingMessenger(secret: string): Promise<CountingMessenger> {
  const taken: TakenEvent[] = [];
  const seenEvents = new Set<string>();
  const rejected: string[] = [];
  const state = { delayMs: 0, status: 200 };
  let redelivered = 0;

  const server = http.createServer((req, res) => {
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
      const parsed = z.safeParse(bridgeOutboundEvent, parseJson(body));
      if (verdict !== 'ok' || !parsed.success) {
        rejected.push(verdict !== 'ok' ? verdict : 'schema');
        return void res.writeHead(400).end();
      }
      const event = parsed.data;
      const { delayMs, status } = state;
      const answer = () => {
        if (status !== 200) return void res.writeHead(status, { 'Content-Length': '0' }).end();
        if (seenEvents.has(event.id)) redelivered += 1;
        else {
          seenEvents.add(event.id);
          if (event.type === 'message') {
            taken.push({
              eventId: event.id,
              messageId: event.message_id,
              conversationId: event.conversation.id,
              text: event.message.type === 'text' ? event.message.text : '',
            });
          }
        }
        if (!res.destroyed) {
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ message_id: `m-${event.id}` }));
        }
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    taken,
    redelivered: () => redelivered,
    rejected,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
