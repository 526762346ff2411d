import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createAmojoClientPool } from '../amojo/create-amojo-client-pool';
import type { BridgeDeps } from '../bridge/bridge-deps';
import { bridgeRoutes } from '../bridge/bridge-routes';
import { createBridgeMessages } from '../bridge/create-bridge-messages';
import { createHttpFetch } from '../egress/create-http-fetch';
import { createStreamFetch } from '../egress/create-stream-fetch';
import { egressPolicies } from '../egress/egress-settings';
import { packageVersion } from '../http/package-version';
import type { InfoPageLink } from '../http/render-info-page';
import { createInstallationKit } from '../installation/create-installation-kit';
import { createDatabaseMediaStore } from '../media/create-database-media-store';
import { createFreeSpaceGuard } from '../media/create-free-space-guard';
import { createLayeredMediaStore } from '../media/create-layered-media-store';
import { createMediaMirror } from '../media/create-media-mirror';
import { createMediaQuota } from '../media/create-media-quota';
import { createMediaStore } from '../media/create-media-store';
import { deriveMediaLinkKey } from '../media/media-link';
import { createLogger, type Logger } from '../observability/create-logger';
import { createMetrics } from '../observability/create-metrics';
import { createRecoverySweep } from '../recovery/create-recovery-sweep';
import { createPruner } from '../relay/create-pruner';
import { createRelayWorker } from '../relay/create-relay-worker';
import { queueSourceSyncs } from '../relay/queue-source-syncs';
import { createMemoryRateLimits } from '../store/create-memory-rate-limits';
import { isDatabaseReachable } from '../store/is-database-reachable';
import { migrateToLatest } from '../store/migrations/migrate-to-latest';
import { openDatabase } from '../store/open-database';
import { repairHeadlessKeys } from '../store/repair-headless-keys';
import { createSecretBox } from '../store/secret-box';
import type { Config } from './config';
import { createApp } from './create-app';
import { createBackendServer, SERVER_LIMITS, type ServerLimits } from './create-backend-server';
import { openApiDocument } from './openapi';
import { loadGrantPageTexts } from './routes/amocrm-install/grant-page-texts';
import { amocrmInstallRoutes } from './routes/amocrm-install-routes';
import { createHookPersister } from './routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from './routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from './routes/amojo-webhook-node-handler';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from './routes/amojo-webhook-routes';
import { createBridgeNodeHandler } from './routes/bridge-node-handler';
import { mediaRoutes } from './routes/media-routes';
import { openLinkSecrets } from './routes/widget-link/link-secrets';
import { widgetLinkRoutes } from './routes/widget-link-routes';

const WORKER_STALL_MS = 30_000;
/** Where the redirect route answers when AMOCRM_REDIRECT_URI is unset (the sandbox registers this one). */
export const DEFAULT_REDIRECT_PATH = '/amocrm/oauth';
// The result page's sentences live with the widget's (i18n/<lang>.json, grant_page).
const I18N_DIR = new URL('../../i18n/', import.meta.url);

export interface Backend {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartBackendOptions {
  logger?: Logger;
  hostname?: string;
  /** Outbound HTTP for amojo and messengers (tests inject one). */
  fetch?: typeof fetch;
  version?: string;
  /** The sandbox's other pages, listed on `/`. */
  links?: readonly InfoPageLink[];
  /** Overrides of SERVER_LIMITS (tests shorten the timeouts). */
  serverLimits?: Partial<ServerLimits>;
}

/**
 * The composition root: database and migrations, the amojo clients, the HTTP routes and the relay worker.
 * close() stops accepting, commits what the webhook accepted, lets the worker finish in-flight jobs, then
 * closes the database, so a graceful stop loses nothing and leaves no lease behind.
 */
export async function startBackend(config: Config, options: StartBackendOptions = {}): Promise<Backend> {
  const logger = options.logger ?? createLogger();
  const channelId = required(config.channel.id, 'AMOJO_CHANNEL_ID');
  const secret = required(config.channel.secrets[0], 'AMOJO_CHANNEL_SECRET');
  const dataEncryptionKey = required(config.dataEncryptionKey, 'DATA_ENCRYPTION_KEY');
  const secretBox = createSecretBox(dataEncryptionKey, config.dataEncryptionKeyPrevious);
  const clientId = required(config.amocrm.clientId, 'AMOCRM_CLIENT_ID');
  const clientSecret = required(config.amocrm.clientSecret, 'AMOCRM_CLIENT_SECRET');
  // The sandbox and tests may leave it out: the redirect route then answers at the path the sandbox registers.
  const redirectUri = config.amocrm.redirectUri ?? `${config.publicUrl ?? 'http://127.0.0.1'}${DEFAULT_REDIRECT_PATH}`;
  const metrics = createMetrics({ defaults: true });
  const opened = openDatabase(config.databaseUrl);
  await migrateToLatest(opened.db, { schema: opened.schema });
  const db = opened.db;
  // Jobs a process of a version before 0014 added (a rolling deploy) carry no head mark; the claim reads only heads.
  const repaired = await repairHeadlessKeys(db);
  if (repaired > 0) logger.warn({ keys: repaired }, 'ordering keys without a head repaired');
  // Links from before sources (and any whose sync was lost) get theirs; the worker runs the syncs once it starts.
  const sourceSyncs = await queueSourceSyncs(db, Date.now());
  if (sourceSyncs > 0) logger.info({ links: sourceSyncs }, 'amoCRM source syncs queued');

  const amojoFor = createAmojoClientPool({
    channelId,
    secret,
    baseUrlOverride: config.amojoBaseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    observe: (e) => metrics.amojoCalls.inc({ endpoint: e.endpoint, outcome: String(e.outcome) }),
  });

  // Instances sharing PostgreSQL rarely share a disk: there the files live in the database, so a link one instance
  // signed is served by every other. MEDIA_DIR, once set, keeps them on disk (a shared volume), as does SQLite.
  const mediaInDatabase = opened.dialect === 'postgres' && config.mediaDirSet === false;
  // Until this version such a deployment mirrored to the default MEDIA_DIR: what is there stays findable and is pruned.
  const mediaStore = !mediaInDatabase
    ? createMediaStore(config.media.dir)
    : existsSync(config.media.dir)
      ? createLayeredMediaStore(createDatabaseMediaStore(db), createMediaStore(config.media.dir))
      : createDatabaseMediaStore(db);
  const mediaQuota = createMediaQuota({ db, quotaBytes: config.media.quotaBytes });
  const mediaKey = deriveMediaLinkKey(dataEncryptionKey);
  const previousMediaKey =
    config.dataEncryptionKeyPrevious === undefined ? undefined : deriveMediaLinkKey(config.dataEncryptionKeyPrevious);
  // Known once the server listens (PORT=0 in tests); PUBLIC_URL is required outside the sandbox anyway.
  let ownUrl = config.publicUrl ?? '';
  // Every URL a user chose (webhooks, test events, hook media) goes through the egress guard; amojo does not.
  const egress = egressPolicies(config.egress, config.sandbox);
  // amoCRM hosts are fixed by the referer check (or AMOCRM_API_BASE_URL), like amojo's: no egress guard on them.
  const installation = createInstallationKit({
    db,
    secretBox,
    dataEncryptionKey,
    clientId,
    clientSecret,
    redirectUri,
    apiBaseUrl: config.amocrm.apiBaseUrl,
    fetch: options.fetch ?? createHttpFetch({ maxResponseBytes: 2 * 1024 * 1024 }),
    logger,
  });
  const worker = createRelayWorker({
    db,
    channel: { id: channelId, secret, botId: config.channel.botId },
    amojoBaseUrl: config.amojoBaseUrl,
    timeWindowSeconds: config.channel.timeWindowSeconds,
    signingSecretOf: (link) => {
      // An unlinked link keeps no secret; its deliveries fail and dead-letter instead of going out unsigned.
      if (!link.signingSecretEnc) throw new Error('the link has no signing secret (unlinked)');
      return openLinkSecrets(secretBox, { accountId: link.accountId, signingSecretEnc: link.signingSecretEnc })
        .signingSecret;
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    egress: egress.webhooks,
    media: createMediaMirror({
      store: mediaStore,
      fetch: options.fetch ?? createStreamFetch({ policy: egress.media }),
      publicUrl: () => ownUrl,
      key: mediaKey,
      maxBytes: config.media.maxBytes,
      quota: mediaQuota,
      // The guard watches MEDIA_DIR's filesystem; the database server's disk is not this process's to measure.
      freeSpace: mediaInDatabase
        ? undefined
        : createFreeSpaceGuard({ dir: config.media.dir, minFreeBytes: config.media.minFreeBytes }),
    }),
    install: installation.install,
    amocrm: installation.client,
    linkCap: config.relayLinkCap,
    leaseMs: config.relayLeaseMs,
    metrics,
    logger,
  });
  const ingress = createHookPersister(opened);
  let workerRunning = false;
  const webhook: AmojoWebhookDeps = {
    channelId,
    secrets: config.channel.secrets,
    lookupScope: createScopeLookup(db),
    persist: ingress.persist,
    onAccepted: () => worker.notify(),
    metrics,
    logger,
  };

  const bridge: BridgeDeps = {
    db,
    sqliteIn: opened.sqliteIn,
    now: Date.now,
    logger,
    bot: config.channel.botId ? { id: config.channel.botId, name: config.channel.botName ?? 'Bot' } : undefined,
    // A keyed link always has its secret beside the key ('' fails to open: a 500, never an unsigned answer).
    signingSecretOf: (link) =>
      openLinkSecrets(secretBox, { accountId: link.accountId, signingSecretEnc: link.signingSecretEnc ?? '' })
        .signingSecret,
    onAccepted: () => worker.notify(),
    // SQLite has one owning process, so the count stays in memory instead of costing an fsync per request.
    ...(opened.dialect === 'sqlite' ? { rateLimiter: createMemoryRateLimits() } : {}),
  };
  // One message core for the app's route and the node:http binding ahead of it: one group commit, one rate count.
  const bridgeMessages = createBridgeMessages(bridge);

  const app = createApp({
    logger,
    metrics,
    metricsToken: config.metricsToken,
    readiness: async () => {
      const database = await isDatabaseReachable(db);
      // The claim loop goes round at least every idle interval (250 ms); half a minute without a turn is a stall.
      const turn = worker.lastTurnAt();
      const workerOk = workerRunning && turn !== undefined && Date.now() - turn < WORKER_STALL_MS;
      return { ok: database && workerOk, checks: { database, worker: workerOk } };
    },
    openapi: () => openApiDocument(options.version ?? packageVersion()),
    rootPage: { version: options.version, links: options.links },
    routes: [
      amocrmInstallRoutes({
        db,
        secretBox,
        redirectPath: new URL(redirectUri).pathname,
        clientId,
        clientSecret,
        stateKey: installation.stateKey,
        texts: loadGrantPageTexts(I18N_DIR),
        onQueued: () => worker.notify(),
        logger,
      }),
      widgetLinkRoutes({
        db,
        config,
        logger,
        amojoFor,
        amocrm: installation.client,
        grantUrl: installation.grantUrl,
        secretBox,
        egress: egress.webhooks,
        // A queued source sync runs now rather than at the worker's next turn.
        onQueued: () => worker.notify(),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      amojoWebhookRoutes(webhook),
      mediaRoutes({ store: mediaStore, key: mediaKey, previousKey: previousMediaKey }),
      bridgeRoutes(bridge, bridgeMessages),
    ],
  });

  worker.start();
  workerRunning = true;
  // A file's usage row goes with the file (it stopped counting when the file expired anyway).
  const media = {
    async prune(before: number) {
      await mediaQuota.prune(before);
      return mediaStore.prune(before);
    },
  };
  const pruner = createPruner({ db, media, logger, retentionMs: config.retentionDays * 86_400_000 });
  pruner.start();
  installation.sweep.start();
  // Created before the server listens: a hook held from before now reached an earlier process, so the start sweep
  // stops there; the hooks amojo sent while no process answered are read back from chat history.
  const recoverySweep = createRecoverySweep({
    db,
    ...config.hookRecovery,
    onQueued: () => worker.notify(),
    logger,
  });
  recoverySweep.start();
  const hooks = createAmojoWebhookNodeHandler(webhook);
  const messages = createBridgeNodeHandler(bridgeMessages, logger);
  const rest = getRequestListener(app.fetch);
  const server = createBackendServer(
    (req, res) => {
      if (!hooks(req, res) && !messages(req, res)) void rest(req, res);
    },
    { ...SERVER_LIMITS, ...options.serverLimits },
  );
  const port = await listen(server, config.port, options.hostname ?? '0.0.0.0');
  const host = options.hostname && options.hostname !== '0.0.0.0' ? options.hostname : '127.0.0.1';
  ownUrl ||= `http://${host}:${port}`;
  logger.info({ port, sandbox: config.sandbox }, 'backend listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          // Keep-alive sockets with no request in flight would hold close() open for their idle timeout (65 s), and
          // a socket whose answer goes out after close() becomes idle only then: swept until the last one is gone.
          const sweep = setInterval(() => server.closeIdleConnections(), 50);
          server.close(() => {
            clearInterval(sweep);
            resolve();
          });
          server.closeIdleConnections();
        });
        await ingress.close();
        workerRunning = false;
        await worker.stop();
        await pruner.stop();
        await installation.sweep.stop();
        await recoverySweep.stop();
        await opened.close();
        logger.info('backend stopped');
      })();
      return closing;
    },
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is required to start the backend`);
  return value;
}

function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve((server.address() as { port: number }).port));
  });
}
