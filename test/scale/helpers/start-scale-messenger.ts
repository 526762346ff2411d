import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../../../src/bridge/verify-bridge-delivery';
import { type BridgeOutboundEvent, bridgeOutboundEvent } from '../../../src/contracts/bridge';

/**
 * The messenger of the two-instance story, on one port: `/hooks/channel` takes deliveries, checked like the bridge
 * contract asks (signature with the secret set once the link answered, timestamp, outbound schema, event id header)
 * and recorded in arrival order, a redelivery included; `/files/<name>` serves the bytes put there, the files its
 * clients send and the files amoCRM links in hooks (both on 127.0.0.1, which MEDIA_HOSTS allows). Anything else is
 * refused with 400 and recorded, so a delivery that breaks the contract fails the story.
 */
export async function startScaleMessenger() {
  let secret: string | undefined;
  const received: BridgeOutboundEvent[] = [];
  const refused: string[] = [];
  const files = new Map<string, { bytes: Buffer; type: string }>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const file = files.get(path.replace(/^\/files\//, ''));
      if (req.method === 'GET' && path.startsWith('/files/') && file) {
        return void res
          .writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length })
          .end(file.bytes);
      }
      const body = Buffer.concat(chunks);
      const refuse = (reason: string) => {
        refused.push(`${req.method} ${path}: ${reason}`);
        res.writeHead(400).end();
      };
      if (req.method !== 'POST' || path !== '/hooks/channel' || secret === undefined) return refuse('unexpected');
      const verdict = verifyBridgeDelivery({
        secrets: [secret],
        timestamp: header(req, 'x-channel-timestamp'),
        signature: header(req, 'x-channel-signature'),
        body,
        now: Math.floor(Date.now() / 1000),
      });
      if (verdict !== 'ok') return refuse(verdict);
      const parsed = z.safeParse(bridgeOutboundEvent, safeJson(body));
      if (!parsed.success) return refuse(`schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
      if (header(req, 'x-channel-event-id') !== parsed.data.id) return refuse('event id header');
      received.push(parsed.data);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message_id: `msgr-${parsed.data.id}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    webhookUrl: `${origin}/hooks/channel`,
    /** Serves `bytes` at the returned URL. */
    host(name: string, bytes: Buffer, type: string): string {
      files.set(name, { bytes, type });
      return `${origin}/files/${name}`;
    },
    setSecret(value: string) {
      secret = value;
    },
    received,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type ScaleMessenger = Awaited<ReturnType<typeof startScaleMessenger>>;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
