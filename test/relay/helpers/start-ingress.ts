import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Kysely } from 'kysely';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { createHookPersister } from '../../../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { amojoWebhookRoutes } from '../../../src/server/routes/amojo-webhook-routes';
import type { Database } from '../../../src/store/schema';
import { CHANNEL_ID, CHANNEL_SECRET } from './relay-fixtures';

/** Our webhook route on a real port (the emulator posts hooks to it), writing into `db`. */
export async function startIngress(db: Kysely<Database>, onAccepted: () => void = () => {}) {
  const persister = createHookPersister({ db });
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      amojoWebhookRoutes({
        channelId: CHANNEL_ID,
        secrets: [CHANNEL_SECRET],
        lookupScope: createScopeLookup(db, { ttlMs: 0, negativeTtlMs: 0 }),
        persist: persister.persist,
        onAccepted,
      }),
    ],
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hookUrl: `http://127.0.0.1:${port}/amojo/webhook/:scope_id`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await persister.close();
    },
  };
}
