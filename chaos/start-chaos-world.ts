import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningAmojoEmulator, startAmojoEmulator } from '../src/sandbox/amojo-emulator/start-amojo-emulator';
import { createTestCertificate } from './create-test-certificate';
import { freePort } from './free-port';
import { prepareChaosDatabase } from './prepare-chaos-database';
import { seedChaosLink } from './seed-chaos-link';
import { type BackendProcess, startBackendProcess } from './start-backend-process';
import { type CountingMessenger, startCountingMessenger } from './start-counting-messenger';
import { type FaultProxy, startFaultProxy } from './start-fault-proxy';
import { startRoundRobinProxy } from './start-round-robin-proxy';

export interface ChaosWorldOptions {
  readonly db: 'sqlite' | 'postgres';
  /** The PostgreSQL server (a schema of its own is made on it). */
  readonly postgresUrl?: string;
  /** Backend processes: 1 on SQLite (one owning process), 2 on PostgreSQL. */
  readonly instances: number;
  /** Keep the run's directory (logs, database) afterwards. */
  readonly keep?: boolean;
}

export interface ChaosWorld {
  readonly db: 'sqlite' | 'postgres';
  readonly emulator: RunningAmojoEmulator;
  readonly scopeId: string;
  /** In front of amojo: the backends' AMOJO_BASE_URL. */
  readonly amojoProxy: FaultProxy;
  readonly messenger: CountingMessenger;
  /** In front of the messenger: the link's webhook URL (https). */
  readonly messengerProxy: FaultProxy;
  readonly backends: readonly BackendProcess[];
  /** The round-robin proxy: bridge calls and amojo's hooks come in here. */
  readonly frontUrl: string;
  readonly apiKey: string;
  readonly dir: string;
  /** Stops everything; `keep` leaves the run's directory (logs, SQLite file) for a look afterwards. */
  close(keep?: boolean): Promise<void>;
}

const CHANNEL_ID = '5f0c8e2a-9b1d-4e3f-a6c7-d8e9f0a1b2c3';
const ACCOUNT_AMOJO_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/**
 * Everything a chaos run needs: the outside world in this process (amojo emulator, counting messenger, their fault
 * proxies, the round-robin proxy) and the backends as real processes in production mode, with one account linked in
 * a fresh database before they start.
 */
export async function startChaosWorld(options: ChaosWorldOptions): Promise<ChaosWorld> {
  const dir = mkdtempSync(join(tmpdir(), `chaos-${options.db}-`));
  const closers: (() => Promise<void>)[] = [];
  try {
    const secret = randomBytes(20).toString('hex');
    const signingSecret = randomBytes(24).toString('hex');
    const apiKey = `ck_chaos_${randomBytes(16).toString('hex')}`;
    const dataEncryptionKey = randomBytes(32).toString('base64');
    const certificate = createTestCertificate(dir);

    const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
    const front = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`));
    closers.push(front.close);
    const emulator = await startAmojoEmulator({
      channelId: CHANNEL_ID,
      secret,
      hookUrl: `${front.url}/amojo/webhook/:scope_id`,
    });
    closers.push(emulator.close);
    const amojoProxy = await startFaultProxy({ target: emulator.url });
    closers.push(amojoProxy.close);
    const messenger = await startCountingMessenger(signingSecret);
    closers.push(messenger.close);
    const messengerProxy = await startFaultProxy({ target: messenger.url, tls: certificate });
    closers.push(messengerProxy.close);

    const database = await prepareChaosDatabase(options.db, dir, options.postgresUrl);
    closers.push(database.drop);
    const scopeId = await seedChaosLink({
      databaseUrl: database.url,
      amojoUrl: emulator.url,
      channel: { id: CHANNEL_ID, secret },
      accountAmojoId: ACCOUNT_AMOJO_ID,
      dataEncryptionKey,
      apiKey,
      signingSecret,
      webhookUrl: `${messengerProxy.url}/hooks/chaos`,
    });

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      DATABASE_URL: database.url,
      PUBLIC_URL: 'https://chaos.invalid',
      AMOJO_CHANNEL_ID: CHANNEL_ID,
      AMOJO_CHANNEL_SECRET: secret,
      AMOJO_BOT_ID: emulator.bot.id,
      AMOJO_BASE_URL: amojoProxy.url,
      AMOCRM_CLIENT_ID: randomUUID(),
      AMOCRM_CLIENT_SECRET: randomBytes(16).toString('hex'),
      AMOCRM_REDIRECT_URI: 'https://chaos.invalid/amocrm/oauth',
      // Nothing listens on the discard port: no request of this run can reach a real amoCRM.
      AMOCRM_API_BASE_URL: 'http://127.0.0.1:9',
      DATA_ENCRYPTION_KEY: dataEncryptionKey,
      // The messenger's proxy is on loopback (https, its certificate trusted below).
      EGRESS_ALLOW: '127.0.0.1/32',
      NODE_EXTRA_CA_CERTS: certificate.certPath,
      // Recovery in seconds (issue 14); ignored by a backend that does not read it yet.
      RELAY_LEASE_MS: process.env.CHAOS_LEASE_MS ?? '10000',
      // Media stays unused here; a directory per run keeps runs apart.
      MEDIA_DIR: join(dir, 'media'),
      MEDIA_MIN_FREE_BYTES: '1',
    };
    const backends = ports.map((port, i) =>
      startBackendProcess(`backend-${i + 1}`, port, env, join(dir, `backend-${i + 1}.log`)),
    );
    closers.push(async () => {
      await Promise.all(backends.map((b) => b.stop()));
    });
    await Promise.all(backends.map((b) => b.start()));

    return {
      db: options.db,
      emulator,
      scopeId,
      amojoProxy,
      messenger,
      messengerProxy,
      backends,
      frontUrl: front.url,
      apiKey,
      dir,
      async close(keep) {
        for (const close of closers.reverse()) await close().catch(() => {});
        if (!(keep ?? options.keep)) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
}
