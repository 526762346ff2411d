import { bridgeRoutes } from '../../../src/bridge/bridge-routes';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { hashApiKey } from '../../../src/store/api-key-hash';
import { rotateLinkCredentials } from '../../../src/store/links-repo';
import { MESSENGER_SECRET } from './relay-fixtures';
import type { RelayHarness } from './relay-harness';

const API_KEY = `bk_relay_test_${'k'.repeat(40)}`;

/**
 * The messenger's side of the bridge API for a relay harness: the real bridge routes on the harness's store, called
 * in-process with the link's API key, waking the harness's worker on every 202 as the server does.
 */
export async function createRelayBridge(h: Pick<RelayHarness, 'db' | 'link' | 'worker'>) {
  const credentials = { bridgeKeyHash: hashApiKey(API_KEY), signingSecretEnc: h.link.signingSecretEnc ?? '' };
  if (!(await rotateLinkCredentials(h.db, h.link.accountId, credentials, Date.now()))) {
    throw new Error('the harness link is not linked');
  }
  const logger = createLogger({ level: 'silent' });
  const app = createApp({
    logger,
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      bridgeRoutes({
        db: h.db,
        now: Date.now,
        logger,
        signingSecretOf: () => MESSENGER_SECRET,
        onAccepted: () => h.worker.notify(),
      }),
    ],
  });
  return {
    post: (path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(body),
      }),
    get: (path: string) => app.request(path, { headers: { authorization: `Bearer ${API_KEY}` } }),
  };
}

export type RelayBridge = Awaited<ReturnType<typeof createRelayBridge>>;
