import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/observability/create-logger';
import { startAmocrmEmulator } from '../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import { mintOneTimeToken } from '../../src/sandbox/amocrm-page/mint-one-time-token';
import { startAmojoEmulator } from '../../src/sandbox/amojo-emulator/start-amojo-emulator';
import { loadConfig } from '../../src/server/config';
import { startBackend } from '../../src/server/start-backend';
import { findInstallation } from '../../src/store/installations-repo';
import { findLinkByAccountId } from '../../src/store/links-repo';
import { openDatabase } from '../../src/store/open-database';
import { startFuzzMessenger } from './start-fuzz-messenger';

export const CHANNEL_ID = '7e1f0c2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
export const CHANNEL_SECRET = '3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f';
export const CLIENT_ID = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
export const CLIENT_SECRET = 'fuzz-integration-secret-0123456789abcdef';
const HOST = '127.0.0.1';

export interface FuzzAccount {
  /** Also the messenger path of its link. */
  name: string;
  id: number;
  subdomain: string;
  amojoId: string;
  adminId: number;
}

/** A linked account whose hooks and bridge calls are followed to delivery. */
export interface LinkedAccount extends FuzzAccount {
  linkId: string;
  scopeId: string;
  apiKey: string;
  signingSecret: string;
}

const account = (name: string, n: number): FuzzAccount => ({
  name,
  id: 61_000_000 + n,
  subdomain: `fuzz${n}`,
  amojoId: `00000000-f022-4000-8000-${String(n).padStart(12, '0')}`,
  adminId: 71_000_000 + n,
});

/** Hooks and bridge traffic, spread over four links (each has its own bridge rate limit of 200 requests a second). */
export const TRAFFIC_ACCOUNTS = [1, 2, 3, 4].map((n) => account(`traffic${n}`, n));
/** The link API's own account: PUT, rotate, DELETE and test change its credentials at random. */
export const LINK_API_ACCOUNT = account('linkapi', 10);
/** The disconnect hook's account: a correctly signed hook uninstalls it, so no traffic depends on it. */
export const DISCONNECT_ACCOUNT = account('disconnect', 20);
const ALL = [...TRAFFIC_ACCOUNTS, LINK_API_ACCOUNT, DISCONNECT_ACCOUNT];

/**
 * The whole backend as production composes it (startBackend), on the given database, with the strict amojo and
 * amoCRM emulators behind it and one messenger receiver for every link. Every account is installed through the real
 * install redirect (the amoCRM emulator calls GET /amocrm/oauth, the relay exchanges the code) and linked through
 * the real PUT /api/widget/link, so each link holds credentials only the backend issued.
 */
export async function startFuzzStack(databaseUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-stack-'));
  const port = await freePort();
  const backendUrl = `http://${HOST}:${port}`;
  const redirectUri = `${backendUrl}/amocrm/oauth`;
  const messenger = await startFuzzMessenger();
  const amojo = await startAmojoEmulator({
    channelId: CHANNEL_ID,
    secret: CHANNEL_SECRET,
    hookUrl: `${backendUrl}/amojo/webhook/:scope_id`,
    host: HOST,
  });
  const amocrm = await startAmocrmEmulator({
    host: HOST,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    disconnectHookUrl: `${backendUrl}/amocrm/disconnect`,
    rateLimitPerSecond: null,
    accounts: ALL.map((a) => ({ id: a.id, subdomain: a.subdomain, domain: 'amocrm.ru', amojoId: a.amojoId })),
    users: ALL.map((a) => ({ id: a.adminId, accountId: a.id, name: `Admin ${a.name}`, isAdmin: true })),
  });
  const config = loadConfig({
    SANDBOX: '1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    MEDIA_DIR: join(dir, 'media'),
    PUBLIC_URL: backendUrl,
    AMOJO_CHANNEL_ID: CHANNEL_ID,
    AMOJO_CHANNEL_SECRET: CHANNEL_SECRET,
    AMOJO_BASE_URL: amojo.url,
    AMOCRM_CLIENT_ID: CLIENT_ID,
    AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
    AMOCRM_API_BASE_URL: amocrm.url,
    AMOCRM_REDIRECT_URI: redirectUri,
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    EGRESS_ALLOW: '127.0.0.0/8',
    MEDIA_HOSTS: HOST,
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'error',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const backend = await startBackend(config, { logger, hostname: HOST });
  const store = openDatabase(databaseUrl);

  const token = (who: FuzzAccount, options: { userId?: number; jti?: string } = {}) =>
    mintOneTimeToken({
      secret: CLIENT_SECRET,
      clientId: CLIENT_ID,
      audience: backendUrl,
      accountId: who.id,
      subdomain: who.subdomain,
      domain: 'amocrm.ru',
      userId: options.userId ?? who.adminId,
      jti: options.jti ?? randomUUID(),
      now: new Date(),
    });
  const linkBody = (who: FuzzAccount) => ({
    amojo_id: who.amojoId,
    title: `Fuzz ${who.name}`,
    webhook_url: messenger.webhookUrl(who.name),
    // The reply window is the messenger's rule, not this run's subject: with it on, a manager message to a client
    // who never wrote is a documented non-delivery, which would hide a real loss among expected ones.
    time_window_disabled: true,
  });

  async function install(who: FuzzAccount): Promise<void> {
    await amocrm.emulator.install(who.id, who.adminId);
    await until(`installation of ${who.name}`, async () => {
      const row = await findInstallation(store.db, who.id);
      return row?.state === 'active';
    });
  }

  async function link(who: FuzzAccount): Promise<LinkedAccount> {
    const res = await fetch(`${backendUrl}/api/widget/link`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-auth-token': await token(who) },
      body: JSON.stringify(linkBody(who)),
    });
    const body = (await res.json()) as { credentials?: { api_key: string; signing_secret: string } };
    if (res.status !== 201 || !body.credentials)
      throw new Error(`link ${who.name}: ${res.status} ${JSON.stringify(body)}`);
    messenger.setSecret(who.name, body.credentials.signing_secret);
    const row = await findLinkByAccountId(store.db, who.id);
    if (!row?.scopeId) throw new Error(`link ${who.name} has no scope`);
    return {
      ...who,
      linkId: row.id,
      scopeId: row.scopeId,
      apiKey: body.credentials.api_key,
      signingSecret: body.credentials.signing_secret,
    };
  }

  for (const who of ALL) await install(who);
  const traffic: LinkedAccount[] = [];
  for (const who of TRAFFIC_ACCOUNTS) traffic.push(await link(who));
  await link(LINK_API_ACCOUNT);

  return {
    url: backendUrl,
    port,
    channelSecret: CHANNEL_SECRET,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    db: store.db,
    dialect: store.dialect,
    amojo,
    amocrm,
    messenger,
    traffic,
    logs,
    token,
    linkBody,
    async close() {
      await backend.close();
      await store.close();
      await amocrm.close();
      await amojo.close();
      await messenger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type FuzzStack = Awaited<ReturnType<typeof startFuzzStack>>;

/** Polls until `check` holds, or fails naming what it waited for. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
