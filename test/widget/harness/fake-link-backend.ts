import { z } from 'zod/mini';
import {
  type InstallationState,
  type LinkCredentials,
  type LinkErrorCode,
  type LinkedStatus,
  type LinkStatus,
  type LinkTestResponse,
  linkDeleteResponseSchema,
  linkErrorBodySchema,
  linkErrorStatus,
  linkPaths,
  linkPutRequestSchema,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
  linkTestResponseSchema,
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

/** What the fake stores per link: the status minus what it derives on every answer (installation, viewer, connected). */
export type FakeLink = Omit<LinkedStatus, 'installation' | 'viewer' | 'connected'>;

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
  readonly links = new Map<number, FakeLink>();
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

    const key = `${request.method} ${request.path}`;
    if (key === `GET ${linkPaths.link}`) return this.ok(linkStatusSchema, this.status(account));
    if (this.installation !== 'active') return this.error('account_not_installed', undefined, fakeGrantUrl);
    if (!this.viewerIsAdmin) return this.error('admin_required');
    if (key === `DELETE ${linkPaths.link}`) {
      this.links.delete(account.id);
      return this.ok(linkDeleteResponseSchema, { status: this.status(account) });
    }
    if (request.body !== undefined && request.headers['content-type']?.startsWith('application/json') !== true) {
      return this.error('unsupported_media_type');
    }
    if (key === `PUT ${linkPaths.link}`) return this.put(account, request.body);
    const linked = this.links.get(account.id);
    if (key === `POST ${linkPaths.rotate}`) {
      if (linked === undefined) return this.error('not_linked');
      const credentials = this.credentials();
      const updated = { ...linked, updated_at: this.now(), api_key_hint: credentials.api_key.slice(0, 8) };
      this.links.set(account.id, updated);
      return this.ok(linkRotateResponseSchema, { status: this.linkedStatus(updated), credentials });
    }
    if (key === `POST ${linkPaths.test}`) {
      if (linked === undefined) return this.error('not_linked');
      return this.ok(linkTestResponseSchema, { ...this.testOutcome, event_id: `evt_${this.requests.length}` });
    }
    return { status: 404, body: '' };
  }

  private put(account: FakeAccount, body: string | undefined): FakeResponse {
    let json: unknown;
    try {
      json = JSON.parse(body ?? '');
    } catch {
      return this.error('invalid_request', [{ path: '', message: 'body is not JSON' }]);
    }
    const parsed = z.safeParse(linkPutRequestSchema, json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return this.error('invalid_request', issues);
    }
    const request = parsed.data;
    if (request.amojo_id !== account.amojoId) return this.error('amojo_id_mismatch');
    if (this.foreignAmojoIds.has(request.amojo_id)) return this.error('amojo_id_taken');
    if (this.blockedWebhookHosts.has(new URL(request.webhook_url).hostname)) {
      return this.error('webhook_url_not_allowed', [{ path: 'webhook_url', message: 'host not allowed' }]);
    }
    const existing = this.links.get(account.id);
    const fields = {
      amojo_id: request.amojo_id,
      title: request.title,
      webhook_url: request.webhook_url,
      time_window_disabled: request.time_window_disabled,
    };
    if (existing !== undefined) {
      const updated = { ...existing, ...fields, updated_at: this.now() };
      this.links.set(account.id, updated);
      return this.ok(linkPutResponseSchema, { created: false, status: this.linkedStatus(updated) }, 200);
    }
    const credentials = this.credentials();
    const now = this.now();
    const created: FakeLink = {
      state: 'linked',
      account: { id: account.id, subdomain: account.subdomain },
      ...fields,
      api_key_hint: credentials.api_key.slice(0, 8),
      created_at: now,
      updated_at: now,
    };
    this.links.set(account.id, created);
    return this.ok(linkPutResponseSchema, { created: true, status: this.linkedStatus(created), credentials }, 201);
  }

  /** What every status carries besides the link: the account's installation and who is asking. */
  private context() {
    return {
      installation:
        this.installation === 'active'
          ? { state: this.installation }
          : { state: this.installation, grant_url: fakeGrantUrl },
      viewer: { user_id: 7, is_admin: this.viewerIsAdmin },
    };
  }

  private linkedStatus(link: FakeLink): LinkedStatus {
    const { webhook_url, ...rest } = link;
    return {
      ...rest,
      ...this.context(),
      connected: this.connected ?? this.installation === 'active',
      // the webhook URL is for admins only
      ...(this.viewerIsAdmin ? { webhook_url } : {}),
    };
  }

  private status(account: FakeAccount): LinkStatus {
    const link = this.links.get(account.id);
    if (link !== undefined) return this.linkedStatus(link);
    return { state: 'unlinked', account: { id: account.id, subdomain: account.subdomain }, ...this.context() };
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
