import type { Kysely } from 'kysely';
import { bridgeRoutes } from '../src/bridge/bridge-routes';
import type { Logger } from '../src/observability/create-logger';
import type { Metrics } from '../src/observability/create-metrics';
import { createRelayWorker } from '../src/relay/create-relay-worker';
import { createApp } from '../src/server/create-app';
import type { Database } from '../src/store/schema';

/**
 * The bridge and the relay worker as start-backend composes them, for the relay bench in process (relay.ts) and in a
 * backend process of its own (instance/bench-instance.ts): one composition, so both measure the same thing.
 */
export function composeRelayBackend(input: {
  db: Kysely<Database>;
  channel: { id: string; secret: string };
  amojoBaseUrl: string | undefined;
  metrics: Metrics;
  logger: Logger;
}) {
  const { db, metrics, logger } = input;
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
  const app = createApp({
    logger,
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      bridgeRoutes({
        db,
        now: Date.now,
        logger,
        signingSecretOf: () => 'unused',
        onAccepted: () => worker.notify(),
        // One link far past any messenger's rate, on purpose: the bench measures throughput, not the limit.
        limits: { requestsPerSecond: Number.POSITIVE_INFINITY },
      }),
    ],
  });
  return { worker, app };
}
