import type { Kysely } from 'kysely';
import { createAmojoClient } from '../../../src/amojo/create-amojo-client';
import { createMetrics } from '../../../src/observability/create-metrics';
import type { RelayRunner } from '../../../src/relay/create-relay-runner';
import { createRelayWorker, type RelayWorkerOptions } from '../../../src/relay/create-relay-worker';
import {
  type RunningAmojoEmulator,
  startAmojoEmulator,
} from '../../../src/sandbox/amojo-emulator/start-amojo-emulator';
import type { Link } from '../../../src/store/links-repo';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';
import type { Database } from '../../../src/store/schema';
import { seedLink } from '../../store/helpers/seed-link';
import { type Answer, startFakeMessenger } from './fake-messenger';
import {
  ACCOUNT_AMOJO_ID,
  CHANNEL_ID,
  CHANNEL_SECRET,
  type ClientMessageInput,
  enqueueClientMessage,
  MESSENGER_SECRET,
} from './relay-fixtures';
import { startIngress } from './start-ingress';

/** Connects the account at the emulator and links it in our store, pointing deliveries at the messenger. */
export async function linkAccount(
  db: Kysely<Database>,
  emulator: RunningAmojoEmulator,
  webhookUrl: string,
): Promise<Link> {
  const client = createAmojoClient({ channelId: CHANNEL_ID, secret: CHANNEL_SECRET, baseUrl: emulator.url });
  const { scope_id } = await client.connect({ account_id: ACCOUNT_AMOJO_ID, title: 'Shop', hook_api_version: 'v2' });
  return seedLink(db, { amojoId: ACCOUNT_AMOJO_ID, scopeId: scope_id, webhookUrl });
}

export interface RelayHarnessOptions {
  worker?: Partial<RelayWorkerOptions>;
  answer?: Answer;
  /** Leave the worker stopped until the test calls `start()` (a runner cannot start again once stopped). */
  deferStart?: boolean;
}

/**
 * Everything of the relay on one machine: our store and webhook route, the strict amojo emulator posting hooks to
 * it, a fake messenger, and one relay worker with fast retries. `amojoRequests` records every body the worker sent
 * to amojo (a recording fetch at the client seam).
 */
export async function startRelayHarness(options: RelayHarnessOptions = {}) {
  const opened = openDatabase('sqlite::memory:');
  const { db } = opened;
  await migrateToLatest(db);
  let worker: RelayRunner | undefined;
  const ingress = await startIngress(db, () => worker?.notify());
  const messenger = await startFakeMessenger(MESSENGER_SECRET, options.answer);
  const emulator = await startAmojoEmulator({
    channelId: CHANNEL_ID,
    secret: CHANNEL_SECRET,
    hookUrl: ingress.hookUrl,
  });
  const link = await linkAccount(db, emulator, messenger.url);
  const amojoRequests: { path: string; body: unknown }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.origin === new URL(emulator.url).origin && typeof init?.body !== 'undefined') {
      amojoRequests.push({ path: url.pathname, body: JSON.parse(Buffer.from(init.body as Uint8Array).toString()) });
    }
    return fetch(input, init);
  };
  const metrics = createMetrics();
  worker = createRelayWorker({
    db,
    channel: { id: CHANNEL_ID, secret: CHANNEL_SECRET, botId: emulator.bot.id },
    amojoBaseUrl: emulator.url,
    signingSecretOf: () => MESSENGER_SECRET,
    fetch: recordingFetch,
    idleMs: 20,
    leaseMs: 10_000,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 80 },
    deliveryTimeoutMs: 2000,
    metrics,
    ...options.worker,
  });
  if (!options.deferStart) worker.start();
  const runner = worker;

  return {
    db,
    link,
    emulator,
    messenger,
    worker: runner,
    start: () => runner.start(),
    metrics,
    amojoRequests,
    scopeId: link.scopeId ?? '',
    /** Our webhook URL for this account's scope. */
    hookUrl: `${ingress.url}/amojo/webhook/${link.scopeId}`,
    async clientMessage(input: ClientMessageInput) {
      const result = await enqueueClientMessage(db, link.id, input);
      runner.notify();
      return result;
    },
    jobs: () => db.selectFrom('outbox').selectAll().orderBy('id').execute(),
    /** No job left pending or leased. */
    async settled(): Promise<boolean> {
      await emulator.hooksSettled();
      const live = await db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'leased'])
        .executeTakeFirst();
      return live === undefined && runner.inFlight() === 0;
    },
    async close() {
      await runner.stop();
      await emulator.close();
      await ingress.close();
      await messenger.close();
      await opened.close();
    },
  };
}

export type RelayHarness = Awaited<ReturnType<typeof startRelayHarness>>;
