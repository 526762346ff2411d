import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { BridgeDeps } from '../src/bridge/bridge-deps';
import { bridgeRoutes } from '../src/bridge/bridge-routes';
import { createBridgeMessages } from '../src/bridge/create-bridge-messages';
import type { Logger } from '../src/observability/create-logger';
import type { Metrics } from '../src/observability/create-metrics';
import { createRelayWorker } from '../src/relay/create-relay-worker';
import { createApp } from '../src/server/create-app';
import { createBridgeNodeHandler } from '../src/server/routes/bridge-node-handler';
import type { OpenedDatabase } from '../src/store/open-database';

/**
 * The bridge and the relay worker as start-backend composes them, for the relay bench in process (relay.ts) and in a
 * backend process of its own (instance/bench-instance.ts): one composition, so both measure the same thing. `listener`
 * serves node:http as the backend does: the message route's own binding first, then the app.
 */
export function composeRelayBackend(input: {
  opened: Pick<OpenedDatabase, 'db' | 'sqliteIn'>;
  channel: { id: string; secret: string };
  amojoBaseUrl: string | undefined;
  metrics: Metrics;
  logger: Logger;
}) {
  const { opened, metrics, logger } = input;
  const { db } = opened;
  const worker = createRelayWorker({
    db,
    channel: input.channel,
    amojoBaseUrl: input.amojoBaseUrl,
    signingSecretOf: () => 'unused',
    metrics,
    logger,
    // One link carries the whole load here: the per-link cap that keeps links fair would measure itself instead.
    linkCap: 128,
  });
  const bridge: BridgeDeps = {
    db,
    sqliteIn: opened.sqliteIn,
    now: Date.now,
    logger,
    signingSecretOf: () => 'unused',
    onAccepted: () => worker.notify(),
    // One link far past any messenger's rate, on purpose: the bench measures throughput, not the limit.
    limits: { requestsPerSecond: Number.POSITIVE_INFINITY },
  };
  const messages = createBridgeMessages(bridge);
  const app = createApp({
    logger,
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [bridgeRoutes(bridge, messages)],
  });
  const bound = createBridgeNodeHandler(messages, logger);
  const rest = getRequestListener(app.fetch);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!bound(req, res)) void rest(req, res);
  };
  return { worker, listener };
}
