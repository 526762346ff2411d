import { z } from 'zod/mini';
import {
  type InstallationState,
  type LinkCredentials,
  type LinkErrorCode,
  type LinkItem,
  type LinkTestResponse,
  linkCreateRequestSchema,
  linkErrorBodySchema,
  linkErrorStatus,
  linkIssuedResponseSchema,
  linkItemResponseSchema,
  linkListResponseSchema,
  linkPaths,
  linkRemovedResponseSchema,
  linkTestResponseSchema,
  linkUpdateRequestSchema,
  maxLinksPerAccount,
  type PipelineOption,
  pipelineListResponseSchema,
} from '../../../src/contracts/link';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
}

/** `status: 0` is a transport failure: `timedOut` tells a timeout from a dropped connection. */
export interface FakeResponse {
  readonly status: number;
  readonly body: string;
  readonly timedOut?: boolean;
}

export interface FakeAccount {
  readonly id: number;
  readonly subdomain: string;
  readonly amojoId: string;
}

/** The one-time token the fake host mints: `fake.<account id>.<jti>`; the fake backend accepts each jti once. */
export function fakeToken(accountId: number, jti: string): string {
  return `fake.${accountId}.${jti}`;
}

/** What the fake stores per number: the item minus what it derives on every answer (connected), plus its account. */
export type FakeLink = Omit<LinkItem, 'connected'> & { readonly accountId: number; readonly webhook_url: string };

/** amoCRM's access popup as the backend would issue it for this account (post_message mode). */
export const fakeGrantUrl = 'https://www.amocrm.ru/oauth?client_id=fake-client&state=fake-state&mode=post_message';

/**
 * An in-memory backend that serves the link API exactly as src/contracts/link describes it, validates every body it
 * sends against those schemas (so the fake cannot drift from the contract), and lets a test inject any failure.
 */
export class FakeLinkBackend {
  readonly requests: FakeRequest[] = [];
  readonly seenJti = new Set<string>();
  readonly accounts = new Map<number, FakeAccount>();
  /** The numbers by link id, in creation order. */
  readonly links = new Map<string, FakeLink>();
  /** The account's active pipelines, main first, as GET /api/widget/pipelines lists them. */
  pipelines: PipelineOption[] = [
    { id: 3001, name: 'Sales', is_main: true },
    { id: 3002, name: 'Wholesale', is_main: false },
  ];
  /** The live-link limit; a test lowers it to reach it quickly. */
  limit = maxLinksPerAccount;
  /** The installation every account is in; anything but `active` refuses changes with `account_not_installed`. */
  installation: InstallationState = 'active';
  /** Whether the caller is an admin (amoCRM's `rights.is_admin`); non-admins may only GET. */
  viewerIsAdmin = true;
  /** Whether the linked scope is connected at amojo; by default, while the installation is active. */
  connected: boolean | null = null;
  /** amojo ids linked to accounts this fake does not know, to provoke `amojo_id_taken`. */
  readonly foreignAmojoIds = new Set<string>();
  /** Webhook hosts the policy refuses, to provoke `webhook_url_not_allowed`. */
  readonly blockedWebhookHosts = new Set<string>();
  testOutcome: Omit<LinkTestResponse, 'event_id'> = { outcome: 'delivered', http_status: 200, duration_ms: 42 };
  private readonly injected: FakeResponse[] = [];
  private gate: Promise<void> | null = null;
  private issued = 0;
  private clock = Date.parse('2026-11-29T12:00:00Z');

  constructor(accounts: readonly FakeAccount[]) {
    for (const account of accounts) this.accounts.set(account.id, account);
  }

  /** The next request gets this answer instead of the normal one. */
  inject(response: FakeResponse): void {
    this.injected.push(response);
  }

  /** Like the backend, `account_not_installed` names amoCRM's access popup. */
  injectError(code: LinkErrorCode, issues?: { path: string; message: string }[]): void {
    this.inject(this.error(code, issues, code === 'account_not_installed' ? fakeGrantUrl : undefined));
  }

  /** Holds every request until the returned function is called, so a test can look at in-flight states. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise((resolve) => {
      release = () => {
        this.gate = null;
        resolve();
      };
    });
    return release;
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    this.requests.push(request);
    if (this.gate !== null) await this.gate;
    const injected = this.injected.shift();
    return injected ?? this.route(request);
  }

  private route(request: FakeRequest): FakeResponse {
    const token = request.headers['x-auth-token'];
    if (token === undefined) return this.error('auth_missing');
    const [prefix, id, jti] = token.split('.');
    if (prefix !== 'fake' || id === undefined || jti === undefined) return this.error('auth_invalid');
    if (this.seenJti.has(jti)) return this.error('auth_replayed');
    this.seenJti.add(jti);
    const account = this.accounts.get(Number(id));
    if (account === undefined) return this.error('account_not_installed', undefined, fakeGrantUrl);

    const { method, path } = request;
    if (method === 'GET' && path === linkPaths.links) return this.ok(linkListResponseSchema, this.list(account));
    if (method === 'GET' && path === linkPaths.pipelines) {
      return this.ok(pipelineListResponseSchema, { pipelines: this.pipelines });
    }
    const byId = /^\/api\/widget\/links\/([^/]+)(?:\/(rotate|test))?$/.exec(path);
    const linkId = byId === null ? undefined : decodeURIComponent(byId[1] ?? '');
    const link = linkId === undefined ? undefined : this.links.get(linkId);
    const own = link?.accountId === account.id ? link : undefined;
    if (method === 'GET' && byId !== null && byId[2] === undefined) {
      return own === undefined
        ? this.error('link_not_found')
        : this.ok(linkItemResponseSchema, { link: this.item(own) });
    }
    if (this.installation !== 'active') return this.error('account_not_installed', undefined, fakeGrantUrl);
    if (!this.viewerIsAdmin) return this.error('admin_required');
    if (request.body !== undefined && request.headers['content-type']?.startsWith('application/json') !== true) {
      return this.error('unsupported_media_type');
    }
    if (method === 'POST' && path === linkPaths.links) return this.create(account, request.body);
    if (byId === null) return { status: 404, body: '' };
    if (own === undefined) return this.error('link_not_found');
    if (method === 'DELETE' && byId[2] === undefined) {
      this.links.delete(own.id);
      return this.ok(linkRemovedResponseSchema, { id: own.id, removed: true });
    }
    if (method === 'PUT' && byId[2] === undefined) {
      const parsed = this.parse(linkUpdateRequestSchema, request.body);
      if (!parsed.ok) return parsed.response;
      const refused = this.refuse(parsed.value);
      if (refused !== null) return refused;
      const updated = { ...own, ...parsed.value, updated_at: this.now() };
      this.links.set(own.id, updated);
      return this.ok(linkItemResponseSchema, { link: this.item(updated) });
    }
    if (method === 'POST' && byId[2] === 'rotate') {
      const credentials = this.credentials();
      const updated = { ...own, updated_at: this.now(), api_key_hint: credentials.api_key.slice(0, 8) };
      this.links.set(own.id, updated);
      return this.ok(linkIssuedResponseSchema, { link: this.item(updated), credentials });
    }
    if (method === 'POST' && byId[2] === 'test') {
      return this.ok(linkTestResponseSchema, { ...this.testOutcome, event_id: `evt_${this.requests.length}` });
    }
    return { status: 404, body: '' };
  }

  private parse<T>(
    schema: z.ZodMiniType<T>,
    body: string | undefined,
  ): { ok: true; value: T } | { ok: false; response: FakeResponse } {
    let json: unknown;
    try {
      json = JSON.parse(body ?? '');
    } catch {
      return { ok: false, response: this.error('invalid_request', [{ path: '', message: 'body is not JSON' }]) };
    }
    const parsed = z.safeParse(schema, json);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, response: this.error('invalid_request', issues) };
  }

  /** The checks PUT and POST share: the webhook policy and the pipeline. */
  private refuse(value: { webhook_url: string; pipeline_id: number | null }): FakeResponse | null {
    if (this.blockedWebhookHosts.has(new URL(value.webhook_url).hostname)) {
      return this.error('webhook_url_not_allowed', [{ path: 'webhook_url', message: 'host not allowed' }]);
    }
    if (value.pipeline_id !== null && !this.pipelines.some((p) => p.id === value.pipeline_id)) {
      return this.error('pipeline_not_found', [{ path: 'pipeline_id', message: 'no such active pipeline' }]);
    }
    return null;
  }

  private create(account: FakeAccount, body: string | undefined): FakeResponse {
    const parsed = this.parse(linkCreateRequestSchema, body);
    if (!parsed.ok) return parsed.response;
    const request = parsed.value;
    if (request.amojo_id !== account.amojoId) return this.error('amojo_id_mismatch');
    if (this.foreignAmojoIds.has(request.amojo_id)) return this.error('amojo_id_taken');
    const refused = this.refuse(request);
    if (refused !== null) return refused;
    if (this.accountLinks(account).length >= this.limit) return this.error('link_limit_reached');
    const credentials = this.credentials();
    const now = this.now();
    const { amojo_id: _amojoId, ...fields } = request;
    const created: FakeLink = {
      id: `00000000-0000-4000-8000-${String(this.issued).padStart(12, '0')}`,
      accountId: account.id,
      ...fields,
      source: { state: 'pending' },
      api_key_hint: credentials.api_key.slice(0, 8),
      created_at: now,
      updated_at: now,
    };
    this.links.set(created.id, created);
    return this.ok(linkIssuedResponseSchema, { link: this.item(created), credentials }, 201);
  }

  /** Adds a number straight to the store (no request), e.g. to start a test with several. */
  seed(account: FakeAccount, fields: Partial<FakeLink> = {}): FakeLink {
    this.issued += 1;
    const now = this.now();
    const link: FakeLink = {
      id: `00000000-0000-4000-8000-${String(this.issued).padStart(12, '0')}`,
      accountId: account.id,
      title: `Number ${this.issued}`,
      webhook_url: `https://messenger.example.com/hooks/${this.issued}`,
      time_window_disabled: false,
      pipeline_id: null,
      source: { state: 'synced', id: 5000 + this.issued },
      api_key_hint: 'ak_seed_',
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.links.set(link.id, link);
    return link;
  }

  /** The account's numbers, oldest first. */
  accountLinks(account: FakeAccount): FakeLink[] {
    return [...this.links.values()].filter((link) => link.accountId === account.id);
  }

  private item(link: FakeLink): LinkItem {
    const { accountId: _accountId, webhook_url, ...rest } = link;
    return {
      ...rest,
      connected: this.connected ?? this.installation === 'active',
      // the webhook URL is for admins only
      ...(this.viewerIsAdmin ? { webhook_url } : {}),
    };
  }

  private list(account: FakeAccount) {
    return {
      account: { id: account.id, subdomain: account.subdomain },
      installation:
        this.installation === 'active'
          ? { state: this.installation }
          : { state: this.installation, grant_url: fakeGrantUrl },
      viewer: { user_id: 7, is_admin: this.viewerIsAdmin },
      amojo_id: account.amojoId,
      links: this.accountLinks(account).map((link) => this.item(link)),
      limit: this.limit,
    };
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private credentials(): LinkCredentials {
    this.issued += 1;
    const n = String(this.issued).padStart(4, '0');
    return {
      api_key: `ak_test_${n}_abcdefghijklmnopqrstuv`,
      signing_secret: `ss_test_${n}_abcdefghijklmnopqrstuvwxyz012345`,
    };
  }

  private ok<T>(schema: z.ZodMiniType<T>, body: T, status = 200): FakeResponse {
    return { status, body: JSON.stringify(z.parse(schema, body)) };
  }

  error(code: LinkErrorCode, issues?: { path: string; message: string }[], grantUrl?: string): FakeResponse {
    const body = {
      error: {
        code,
        message: `fake: ${code}`,
        ...(issues === undefined ? {} : { issues }),
        ...(grantUrl === undefined ? {} : { grant_url: grantUrl }),
      },
    };
    return { status: linkErrorStatus[code], body: JSON.stringify(z.parse(linkErrorBodySchema, body)) };
  }
}
