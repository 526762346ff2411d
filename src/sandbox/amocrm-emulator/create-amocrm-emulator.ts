import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { FetchLike } from '../../egress/fetch-like';
import type { InfoPageLink } from '../../http/render-info-page';
import type { AccountSeed, ContactSeed, PipelineSeed, UserSeed } from './amocrm-emulator-types';
import { emulatorSeed } from './control-schemas';
import { type ControlApi, createControlApi } from './create-control-api';
import { createControlHandler } from './create-control-handler';
import { createCrmBook } from './create-crm-book';
import { createGrantBook } from './create-grant-book';
import { createRateLimiter, DEFAULT_REQUESTS_PER_SECOND } from './create-rate-limiter';
import type { EmulatorContext } from './emulator-context';
import { EndpointFaults } from './endpoint-faults';
import { handleApiRequest } from './handle-api-request';
import { handleOauthPopup } from './handle-oauth-popup';
import { handleTokenRequest } from './handle-token-request';
import { problemResponse } from './problem-response';
import { renderEmulatorRootPage } from './render-emulator-root-page';

export interface AmocrmEmulatorOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The backend's AMOCRM_REDIRECT_URI; token requests must repeat it exactly. */
  readonly redirectUri: string;
  /** The backend's `/amocrm/disconnect`; without it uninstall sends no hook. */
  readonly disconnectHookUrl?: string;
  readonly accounts: readonly AccountSeed[];
  /** Each account needs one; its first admin (else first user) starts as the current user. */
  readonly users: readonly UserSeed[];
  /** 86400 (amoCRM's day) by default. */
  readonly accessTokenTtlSeconds?: number;
  /** Requests per sliding second per account; 7 by default, `null` for no limit. */
  readonly rateLimitPerSecond?: number | null;
  readonly now?: () => Date;
  /** For the calls to the backend (install redirect, disconnect hook). */
  readonly fetch?: FetchLike;
  /** Mints codes, refresh tokens and token ids. */
  readonly newId?: () => string;
  /** How latency faults wait (real timers by default). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a call to the backend may take; amoCRM's 3 s by default. */
  readonly backendTimeoutMs?: number;
  /** The sandbox's other pages, listed on `/`. */
  readonly links?: readonly InfoPageLink[];
  /**
   * Pipelines to start with. An account given none gets three: "Sales" (main), "Support" and "Archive" (archived),
   * so a picker and a source on an archived pipeline can be tried without any setup.
   */
  readonly pipelines?: readonly PipelineSeed[];
  /** Contacts to start with (for `GET /api/v4/contacts?query=` and `POST /api/v4/contacts/chats`). */
  readonly contacts?: readonly ContactSeed[];
}

/** The emulator without a server: `startAmocrmEmulator` puts it on node:http. */
export interface AmocrmEmulator extends Omit<ControlApi, 'grantFromPopup'> {
  readonly clientId: string;
  /** Every route: the amoCRM API, the popup, `/`, and the control API under `/_control`. */
  handle(request: Request): Promise<Response>;
}

/** Request bodies here are a few hundred bytes; anything larger is refused before it is read. */
const MAX_BODY_BYTES = 64 * 1024;

/** amoCRM's refresh tokens and codes are long opaque strings; these look alike. */
const opaque = () => `def50200${randomBytes(48).toString('hex')}`;

/** Builds the emulator in memory; it listens on nothing and calls the backend only when a control method asks. */
export function createAmocrmEmulator(options: AmocrmEmulatorOptions): AmocrmEmulator {
  const seed = emulatorSeed.parse({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    ...(options.disconnectHookUrl === undefined ? {} : { disconnectHookUrl: options.disconnectHookUrl }),
    accounts: options.accounts,
    users: options.users,
    ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
    ...(options.pipelines === undefined ? {} : { pipelines: options.pipelines }),
    ...(options.contacts === undefined ? {} : { contacts: options.contacts }),
  });
  const accounts = new Map(seed.accounts.map((account) => [account.id, account as AccountSeed]));
  const users = new Map(seed.users.map((user) => [user.id, user as UserSeed]));
  if (accounts.size !== seed.accounts.length || users.size !== seed.users.length) {
    throw new Error('amoCRM emulator: account and user ids must be unique');
  }
  const currentUsers = new Map<number, number>();
  for (const account of accounts.values()) {
    const members = seed.users.filter((user) => user.accountId === account.id);
    const first = members.find((user) => user.isAdmin) ?? members[0];
    if (!first) throw new Error(`amoCRM emulator: account ${account.id} has no user`);
    currentUsers.set(account.id, first.id);
  }
  for (const user of users.values()) {
    if (!accounts.has(user.accountId)) throw new Error(`amoCRM emulator: user ${user.id} has an unknown account`);
  }

  const now = options.now ?? (() => new Date());
  const crm = createCrmBook(now);
  for (const pipeline of seed.pipelines ?? []) {
    if (!accounts.has(pipeline.accountId))
      throw new Error(`amoCRM emulator: pipeline ${pipeline.name} has an unknown account`);
    crm.addPipeline(pipeline);
  }
  for (const account of accounts.values()) {
    if (crm.pipelines(account.id).length > 0) continue;
    crm.addPipeline({ accountId: account.id, name: 'Sales', isMain: true });
    crm.addPipeline({ accountId: account.id, name: 'Support' });
    crm.addPipeline({ accountId: account.id, name: 'Archive', isArchive: true });
  }
  for (const contact of seed.contacts ?? []) {
    const responsible = contact.responsibleUserId ?? currentUsers.get(contact.accountId);
    if (responsible === undefined || users.get(responsible)?.accountId !== contact.accountId) {
      throw new Error(`amoCRM emulator: contact ${contact.name} needs a known account and responsible user`);
    }
    crm.addContact({ ...contact, responsibleUserId: responsible });
  }
  const settings = { accessTokenTtlSeconds: seed.accessTokenTtlSeconds ?? 86_400 };
  const ctx: EmulatorContext = {
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    redirectUri: seed.redirectUri,
    disconnectHookUrl: seed.disconnectHookUrl,
    accounts,
    users,
    installed: new Set(),
    currentUsers,
    grants: createGrantBook({
      clientId: seed.clientId,
      now,
      newSecret: options.newId ?? opaque,
      jwtKey: randomBytes(32),
      accountOf: (accountId) => accounts.get(accountId)!,
      accessTtlSeconds: () => settings.accessTokenTtlSeconds,
    }),
    crm,
    limiter: createRateLimiter(
      now,
      options.rateLimitPerSecond === undefined ? DEFAULT_REQUESTS_PER_SECOND : options.rateLimitPerSecond,
    ),
    faults: new EndpointFaults(),
    calls: [],
    stats: {
      codeExchanges: 0,
      refreshGrants: 0,
      refusedGrants: 0,
      refusedGrantsByReason: {},
      apiCalls: {},
      apiStatuses: {},
    },
    settings,
    now,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    backendTimeoutMs: options.backendTimeoutMs ?? 3000,
  };
  const control = createControlApi(ctx);
  const handleControl = createControlHandler(control);
  const links = options.links ?? [];

  const app = new Hono();
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => problemResponse(413, `The body is larger than ${MAX_BODY_BYTES} bytes`, { reason: 'too_large' }),
    }),
  );
  app.get('/', (c) => c.html(renderEmulatorRootPage({ clientId: ctx.clientId, links })));
  app.all('/oauth2/access_token', (c) =>
    c.req.method === 'POST'
      ? handleTokenRequest(ctx, c.req.raw)
      : problemResponse(405, 'Method not allowed', { reason: 'method' }),
  );
  app.all('/api/v4/*', (c) => handleApiRequest(ctx, c.req.raw));
  app.all('/oauth', (c) => handleOauthPopup(ctx, control, c.req.raw));
  app.all('/_control/*', (c) => handleControl(c.req.raw));
  app.notFound(() => new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } }));

  const { grantFromPopup: _popupOnly, ...publicControl } = control;
  return {
    ...publicControl,
    clientId: ctx.clientId,
    handle: async (request) => app.fetch(request),
  };
}
