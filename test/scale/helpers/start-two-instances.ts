import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createLogger } from '../../../src/observability/create-logger';
import { startAmocrmEmulator } from '../../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import { mintOneTimeToken } from '../../../src/sandbox/amocrm-page/mint-one-time-token';
import { startAmojoEmulator } from '../../../src/sandbox/amojo-emulator/start-amojo-emulator';
import { loadConfig } from '../../../src/server/config';
import { type Backend, startBackend } from '../../../src/server/start-backend';
import { findInstallation } from '../../../src/store/installations-repo';
import { findLinkByAccountId } from '../../../src/store/links-repo';
import { openDatabase } from '../../../src/store/open-database';
import { PG_URL } from './describe-with-postgres';
import { startScaleMessenger } from './start-scale-messenger';

const HOST = '127.0.0.1';
/** Both instances' DATA_ENCRYPTION_KEY, from which the media link key derives. */
export const DATA_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
const CHANNEL_ID = '5c1e0a2b-7d3f-4e6a-9b8c-0d1e2f3a4b5c';
const CHANNEL_SECRET = '9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3';
const CLIENT_ID = '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a';
const CLIENT_SECRET = 'scale-integration-secret-0123456789abcdef';
const ACCOUNT = {
  id: 62_000_001,
  subdomain: 'scale1',
  amojoId: '00000000-5ca1-4000-8000-000000000001',
  adminId: 72_000_001,
};
/** Where the emulator posts hooks; the hook transport sends each one to the instance the test chose. */
const HOOK_HOST = 'http://hooks.invalid';

/**
 * Two backends (startBackend, as `npm start` composes it) on one fresh PostgreSQL schema, started at the same moment
 * so their migrations race as they do in a rolling deploy. Both have the same configuration, PUBLIC_URL included
 * (a round-robin proxy over both, standing for the load balancer), with MEDIA_DIR unset, so media go to the database.
 * Around them: the amojo emulator (its hooks go to whichever instance `hooksTo` names), the amoCRM emulator, and one
 * messenger. The account is installed through the real install redirect and linked through the real PUT
 * /api/widget/link on the second instance, with a one-time token minted like the amoCRM page mints it.
 */
export async function startTwoInstances(options: { legacyMediaDir?: string } = {}) {
  const schema = `scale_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const databaseUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  /** The instances' own addresses, known once they listen. */
  const urls: string[] = [];
  const balancer = await startRoundRobin(urls);
  const publicUrl = balancer.url;
  const redirectUri = `${publicUrl}/amocrm/oauth`;
  let hookTarget = 0;
  /** The instance each hook went to, in the order sent. */
  const hooksSentTo: number[] = [];

  const messenger = await startScaleMessenger();
  const amojo = await startAmojoEmulator({
    channelId: CHANNEL_ID,
    secret: CHANNEL_SECRET,
    hookUrl: `${HOOK_HOST}/amojo/webhook/:scope_id`,
    host: HOST,
    fetch: (input, init) => {
      hooksSentTo.push(hookTarget);
      return fetch(String(input).replace(HOOK_HOST, urls[hookTarget] ?? ''), init);
    },
  });
  const amocrm = await startAmocrmEmulator({
    host: HOST,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    disconnectHookUrl: `${publicUrl}/amocrm/disconnect`,
    rateLimitPerSecond: null,
    accounts: [{ id: ACCOUNT.id, subdomain: ACCOUNT.subdomain, domain: 'amocrm.ru', amojoId: ACCOUNT.amojoId }],
    users: [{ id: ACCOUNT.adminId, accountId: ACCOUNT.id, name: 'Admin', isAdmin: true }],
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void logs.push(line) } });
  const config = loadConfig({
    SANDBOX: '1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: publicUrl,
    AMOJO_CHANNEL_ID: CHANNEL_ID,
    AMOJO_CHANNEL_SECRET: CHANNEL_SECRET,
    AMOJO_BASE_URL: amojo.url,
    AMOCRM_CLIENT_ID: CLIENT_ID,
    AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
    AMOCRM_API_BASE_URL: amocrm.url,
    AMOCRM_REDIRECT_URI: redirectUri,
    DATA_ENCRYPTION_KEY,
    EGRESS_ALLOW: '127.0.0.0/8',
    MEDIA_HOSTS: HOST,
  });
  // MEDIA_DIR stays unset (media in the database); the default directory it stands for is moved somewhere the test
  // owns, as it would hold the files an earlier version mirrored there.
  if (options.legacyMediaDir !== undefined) config.media.dir = options.legacyMediaDir;
  const backends: Backend[] = await Promise.all([0, 1].map(() => startBackend(config, { logger, hostname: HOST })));
  urls.push(...backends.map((backend) => backend.url));
  const store = openDatabase(databaseUrl);

  async function close() {
    for (const backend of backends) await backend.close();
    await store.close();
    await amocrm.close();
    await amojo.close();
    await messenger.close();
    await balancer.close();
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }

  try {
    await amocrm.emulator.install(ACCOUNT.id, ACCOUNT.adminId);
    await until('the installation', async () => (await findInstallation(store.db, ACCOUNT.id))?.state === 'active');
    const token = await mintOneTimeToken({
      secret: CLIENT_SECRET,
      clientId: CLIENT_ID,
      audience: publicUrl,
      accountId: ACCOUNT.id,
      subdomain: ACCOUNT.subdomain,
      domain: 'amocrm.ru',
      userId: ACCOUNT.adminId,
      jti: randomUUID(),
      now: new Date(),
    });
    const res = await fetch(`${urls[1]}/api/widget/link`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({
        amojo_id: ACCOUNT.amojoId,
        title: 'Scale',
        webhook_url: messenger.webhookUrl,
        time_window_disabled: true,
      }),
    });
    const body = (await res.json()) as { credentials?: { api_key: string; signing_secret: string } };
    if (res.status !== 201 || !body.credentials) throw new Error(`link: ${res.status} ${JSON.stringify(body)}`);
    messenger.setSecret(body.credentials.signing_secret);
    const link = await findLinkByAccountId(store.db, ACCOUNT.id);
    if (!link?.scopeId) throw new Error('the link has no scope');
    return {
      /** The two instances, each reached directly. */
      urls: urls as [string, string],
      /** PUBLIC_URL: a round-robin proxy over both, as a load balancer would be. */
      publicUrl,
      db: store.db,
      amojo,
      messenger,
      logs,
      link: { id: link.id, scopeId: link.scopeId, apiKey: body.credentials.api_key },
      hooksSentTo,
      /** Sends the emulator's next hooks to instance `index` (0 or 1). */
      hooksTo(index: 0 | 1) {
        hookTarget = index;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export type TwoInstances = Awaited<ReturnType<typeof startTwoInstances>>;

/** Polls until `check` holds, or fails naming what it waited for. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A load balancer of the simplest kind: each request goes to the next instance in turn. */
async function startRoundRobin(targets: readonly string[]) {
  let next = 0;
  const server = createServer((req, res) => {
    const target = new URL(targets[next++ % targets.length] ?? '');
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    url: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
