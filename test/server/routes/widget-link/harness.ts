import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { parse } from 'zod/mini';
import { createAmojoClient } from '../../../../src/amojo/create-amojo-client';
import { linkErrorBodySchema } from '../../../../src/contracts/link';
import { egressPolicies, parseEgressSettings } from '../../../../src/egress/egress-settings';
import { createLogger } from '../../../../src/observability/create-logger';
import {
  type RunningAmojoEmulator,
  startAmojoEmulator,
} from '../../../../src/sandbox/amojo-emulator/start-amojo-emulator';
import { type WidgetLinkDeps, widgetLinkRoutes } from '../../../../src/server/routes/widget-link-routes';
import { migrateToLatest } from '../../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../../src/store/open-database';
import { createSecretBox } from '../../../../src/store/secret-box';
import { createFakeAmocrmClient } from '../../../helpers/fake-amocrm-client';
import { seedInstallation } from '../../../helpers/seed-installation';

export const CLIENT_ID = '0b0832f6-d123-4123-9123-e73f236833c1';
export const CLIENT_SECRET = 'test-integration-secret-0123456789abcdef';
export const BACKEND_ORIGIN = 'https://channel.example.com';
export const CHANNEL_ID = 'f90ba33d-c9d9-44da-b76c-c349b0ecbe41';
export const CHANNEL_SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
export const START = new Date('2026-03-02T10:00:00Z');

/** Two accounts as their one-time tokens name them, each with its own chat (amojo) id. */
export const ACCOUNT_A = { accountId: 29_085_955, subdomain: 'shopa', amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec' };
export const ACCOUNT_B = { accountId: 31_000_001, subdomain: 'shopb', amojoId: '5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' };
export type TestAccount = typeof ACCOUNT_A;

/** The user every token names unless told otherwise: an admin of both accounts. */
export const ADMIN_USER_ID = 87_654_321;
/** A user of both accounts without admin rights. */
export const MANAGER_USER_ID = 12_345_678;

/** The grant URL the harness's guard hands out, so a test can tell it names the right account. */
export const grantUrlOf = (accountId: number) =>
  `https://www.amocrm.ru/oauth?client_id=${CLIENT_ID}&state=s${accountId}`;

export const WEBHOOK_URL = 'https://messenger.example.com/hooks/amo';

export interface TokenOptions {
  account?: TestAccount;
  domain?: string;
  /** Replaces or (with undefined) removes claims. */
  claims?: Record<string, unknown>;
  secret?: string;
  alg?: string;
  /** Seconds since the harness clock's now. */
  issuedAt?: number;
  /** The token's `user_id` (ADMIN_USER_ID by default). */
  userId?: number;
}

/** A token shaped like the docs' example, signed here with the test secret. */
export async function mintToken(now: Date, options: TokenOptions = {}): Promise<string> {
  const account = options.account ?? ACCOUNT_A;
  const iat = Math.floor(now.getTime() / 1000) + (options.issuedAt ?? 0);
  const claims: Record<string, unknown> = {
    iss: `https://${account.subdomain}.${options.domain ?? 'amocrm.ru'}`,
    aud: BACKEND_ORIGIN,
    jti: randomUUID(),
    iat,
    nbf: iat,
    exp: iat + 1800,
    account_id: account.accountId,
    user_id: options.userId ?? ADMIN_USER_ID,
    subdomain: account.subdomain,
    client_uuid: CLIENT_ID,
    ...options.claims,
  };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? CLIENT_SECRET));
}

export interface CallOptions {
  token?: string | null;
  account?: TestAccount;
  /** The minted token's user (ADMIN_USER_ID by default). */
  userId?: number;
  /** An object is sent as JSON with Content-Type application/json; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  json: any;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The routes over a real in-memory SQLite store, with the amojo emulator on 127.0.0.1:0 behind real amojo clients
 * and a fake amoCRM in which ADMIN_USER_ID is an admin and MANAGER_USER_ID a manager of both accounts. Both accounts
 * are installed (their installation holds their own amojo id) unless `installed` says otherwise.
 * Every call mints a fresh token unless told otherwise.
 */
export async function startHarness(
  options: {
    sandbox?: boolean;
    deps?: Partial<WidgetLinkDeps>;
    installed?: TestAccount[];
    /** Configure CHANNEL_ID, so links are written with the scope amojo is expected to answer (as production does). */
    channel?: boolean;
  } = {},
) {
  const clock = { now: new Date(START) };
  const now = () => new Date(clock.now);
  const opened: OpenedDatabase = openDatabase('sqlite::memory:');
  await migrateToLatest(opened.db);
  const amocrm = createFakeAmocrmClient(
    Object.fromEntries(
      [ACCOUNT_A, ACCOUNT_B].map((account) => [
        account.accountId,
        {
          subdomain: account.subdomain,
          amojoId: account.amojoId,
          admins: [ADMIN_USER_ID],
          managers: [MANAGER_USER_ID],
        },
      ]),
    ),
  );
  const install = (
    account: TestAccount,
    extra: { state?: 'active' | 'needs_reauthorization' | 'removed' } = {},
    amojoId = account.amojoId,
  ) =>
    seedInstallation(
      opened.db,
      { accountId: account.accountId, subdomain: account.subdomain, amojoId, ...extra },
      clock.now.getTime(),
    );
  for (const account of options.installed ?? [ACCOUNT_A, ACCOUNT_B]) await install(account);
  const emulator: RunningAmojoEmulator = await startAmojoEmulator({
    channelId: CHANNEL_ID,
    secret: CHANNEL_SECRET,
    hookUrl: 'http://127.0.0.1:9/amojo/webhook/:scope_id',
    now,
  });
  const secretBox = createSecretBox(randomBytes(32).toString('base64'));
  const amojo = { secret: CHANNEL_SECRET, channelId: CHANNEL_ID };
  const amojoRegions: string[] = [];
  const queued = { count: 0 };
  const amojoClient = () =>
    createAmojoClient({ channelId: amojo.channelId, secret: amojo.secret, baseUrl: emulator.url, now });
  const deps: WidgetLinkDeps = {
    db: opened.db,
    config: {
      sandbox: options.sandbox ?? false,
      publicUrl: BACKEND_ORIGIN,
      amocrm: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${BACKEND_ORIGIN}/oauth/callback` },
      ...(options.channel ? { channel: { id: CHANNEL_ID } } : {}),
    },
    logger: createLogger({ level: 'silent' }),
    onQueued: () => {
      queued.count += 1;
    },
    amojoFor: (region) => {
      amojoRegions.push(region);
      return amojoClient();
    },
    secretBox,
    amocrm: amocrm.client,
    grantUrl: grantUrlOf,
    now,
    // As the sandbox does (sandbox-env.ts): its receivers live on loopback, opened by the allow list.
    ...(options.sandbox ? { egress: egressPolicies(parseEgressSettings('127.0.0.0/8'), true).webhooks } : {}),
    ...options.deps,
  };
  const app: Hono = widgetLinkRoutes(deps);

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    const token =
      opts.token === undefined
        ? await mintToken(clock.now, {
            account: opts.account ?? ACCOUNT_A,
            ...(opts.userId === undefined ? {} : { userId: opts.userId }),
          })
        : opts.token;
    if (token !== null) headers['X-Auth-Token'] = token;
    let body: string | undefined;
    if (typeof opts.body === 'string') body = opts.body;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    const response = await app.request(`http://backend.test${path}`, {
      method,
      headers: { ...headers, ...opts.headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
  }

  const linkBody = (account: TestAccount = ACCOUNT_A, extra: Record<string, unknown> = {}) => ({
    amojo_id: account.amojoId,
    title: `${account.subdomain} chat`,
    webhook_url: WEBHOOK_URL,
    time_window_disabled: false,
    ...extra,
  });

  return {
    app,
    db: opened.db,
    emulator,
    secretBox,
    clock,
    amojo,
    amojoRegions,
    /** How many times the routes said they queued a job (WidgetLinkDeps.onQueued). */
    queued,
    /** The outbox's jobs of one kind, oldest first, with their payloads parsed. */
    async jobsOf(kind: string) {
      const rows = await opened.db.selectFrom('outbox').selectAll().where('kind', '=', kind).orderBy('id').execute();
      return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
    },
    /** The fake amoCRM behind the guard: its accounts, failures and recorded calls. */
    amocrm,
    /** Seeds (or reseeds) an account's installation at the harness clock's now. */
    install,
    /** A client as the backend's, for acting on amojo behind the backend's back. */
    amojoClient,
    call,
    linkBody,
    link: (account: TestAccount = ACCOUNT_A, extra: Record<string, unknown> = {}) =>
      call('PUT', '/api/widget/link', { account, body: linkBody(account, extra) }),
    async close() {
      await emulator.close();
      await opened.close();
    },
  };
}

/** The answer is the link API's error body with this status and code. */
export function expectError(result: { status: number; json: unknown }, status: number, code: string): void {
  expect(result.status).toBe(status);
  expect(parse(linkErrorBodySchema, result.json).error.code).toBe(code);
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

/** A messenger's webhook endpoint: records each request and answers `state.status` after `state.delayMs`. */
export async function startReceiver() {
  const received: ReceivedRequest[] = [];
  const state = { status: 200, delayMs: 0, location: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      const headers = state.location ? { Location: state.location } : {};
      setTimeout(() => res.writeHead(state.status, headers).end('ok'), state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    state,
    url: `http://127.0.0.1:${port}/hooks/amo`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
