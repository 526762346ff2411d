import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../../src/bridge/verify-bridge-delivery';
import { type BridgeOutboundEvent, bridgeOutboundEvent } from '../../src/contracts/bridge';

/** A 1x1 PNG: what the media host serves, so a mirrored hook has real bytes to copy. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export interface Refusal {
  path: string;
  reason: string;
  body: string;
}

/**
 * Every messenger of the fuzz run on one port, one path per link (`/hooks/<name>`), each checking deliveries with its
 * own signing secret (set once the link's PUT has answered). It verifies like the bridge contract asks (signature,
 * timestamp, outbound schema, event id header), records each event it took, and refuses anything else with 400, so
 * an event we send that breaks our own contract shows up as a refusal. `/media/*` serves a small PNG: the hooks' media
 * links point here (MEDIA_HOSTS), never at the real amojo.
 */
export async function startFuzzMessenger() {
  const secrets = new Map<string, string>();
  /** Events taken, per path, in arrival order (a redelivery appears twice). */
  const received = new Map<string, BridgeOutboundEvent[]>();
  const refused: Refusal[] = [];
  let mediaRequests = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method === 'GET' && path.startsWith('/media/')) {
        mediaRequests += 1;
        return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
      }
      const body = Buffer.concat(chunks);
      const secret = secrets.get(path);
      const refuse = (reason: string) => {
        refused.push({ path, reason, body: body.toString('utf8').slice(0, 2000) });
        res.writeHead(400).end();
      };
      if (secret === undefined) return refuse('unknown path');
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
      const list = received.get(path) ?? [];
      list.push(parsed.data);
      received.set(path, list);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message_id: `msgr-${parsed.data.id}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    /** A webhook URL of its own for a link named `name`. */
    webhookUrl: (name: string) => `${origin}/hooks/${name}`,
    mediaUrl: (name: string) => `${origin}/media/${name}.png`,
    setSecret(name: string, secret: string) {
      secrets.set(`/hooks/${name}`, secret);
    },
    received: (name: string) => received.get(`/hooks/${name}`) ?? [],
    refused,
    mediaRequests: () => mediaRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FuzzMessenger = Awaited<ReturnType<typeof startFuzzMessenger>>;

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
