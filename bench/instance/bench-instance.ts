import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { createHookPersister } from '../../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../../src/server/routes/amojo-webhook-node-handler';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from '../../src/server/routes/amojo-webhook-routes';
import { openDatabase } from '../../src/store/open-database';
import { composeRelayBackend } from '../compose-relay-backend';

// One backend instance of the bench in a process of its own, so that two of them on one database are two backends:
// own event loop, own pool, own worker. It composes exactly what the in-process benches compose (ingress.ts: the hook
// route; relay.ts: the bridge and the relay worker) and prints {"url"} on stdout once it listens.
// argv[2]: JSON { role: 'ingress' | 'relay', databaseUrl, channelId, secret, amojoBaseUrl? }
// Control, for the bench only: GET /bench/seen (bridge requests seen: count and first/last as epoch ms),
// POST /bench/reset, POST /bench/worker/start, POST /bench/stop (graceful, then the process exits). It also exits
// when its stdin closes, so a bench that dies leaves no instance behind.
const input = JSON.parse(process.argv[2]!) as {
  role: 'ingress' | 'relay';
  databaseUrl: string;
  channelId: string;
  secret: string;
  amojoBaseUrl?: string;
};
const opened = openDatabase(input.databaseUrl);
const db = opened.db;
const logger = createLogger({ level: 'silent' });
const metrics = createMetrics();
const now = () => performance.timeOrigin + performance.now();
const seen = { count: 0, firstAt: 0, lastAt: 0 };

let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
let stopRole: () => Promise<void>;
let startWorker = () => {};

if (input.role === 'ingress') {
  const commit = createHookPersister(opened);
  const webhook: AmojoWebhookDeps = {
    channelId: input.channelId,
    secrets: [input.secret],
    lookupScope: createScopeLookup(db),
    persist: commit.persist,
  };
  const app = createApp({
    logger,
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [amojoWebhookRoutes(webhook)],
  });
  const hooks = createAmojoWebhookNodeHandler(webhook);
  const rest = getRequestListener(app.fetch);
  handle = (req, res) => {
    if (!hooks(req, res)) void rest(req, res);
  };
  stopRole = () => commit.close();
} else {
  const { worker, listener } = composeRelayBackend({
    opened,
    channel: { id: input.channelId, secret: input.secret },
    amojoBaseUrl: input.amojoBaseUrl,
    metrics,
    logger,
  });
  let running = false;
  handle = (req, res) => {
    const at = now();
    if (seen.count === 0) seen.firstAt = at;
    res.once('finish', () => {
      seen.count += 1;
      seen.lastAt = now();
    });
    listener(req, res);
  };
  startWorker = () => {
    if (running) return;
    running = true;
    worker.start();
  };
  stopRole = async () => {
    if (running) await worker.stop();
  };
}

const json = (res: import('node:http').ServerResponse, body: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await stopRole();
    await opened.close();
  })();
  return stopping;
};

const server = createServer((req, res) => {
  if (req.url?.startsWith('/bench/')) {
    req.resume();
    if (req.url === '/bench/seen') return json(res, seen);
    if (req.url === '/bench/reset') return json(res, Object.assign(seen, { count: 0, firstAt: 0, lastAt: 0 }));
    if (req.url === '/bench/worker/start') {
      startWorker();
      return json(res, {});
    }
    if (req.url === '/bench/stop') {
      res.shouldKeepAlive = false;
      json(res, {});
      void stop().then(() => process.exit(0));
      return;
    }
  }
  handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.stdin.on('end', () => void stop().then(() => process.exit(0)));
process.stdin.resume();
