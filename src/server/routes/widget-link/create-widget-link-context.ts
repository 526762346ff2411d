import { randomBytes as cryptoRandomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountDomain } from '../../../amocrm/account-hosts';
import type { AmocrmClient } from '../../../amocrm/amocrm-client';
import type { AmojoRegion } from '../../../amojo/amojo-hosts';
import type { AmojoClient } from '../../../amojo/create-amojo-client';
import { createEgressFetch } from '../../../egress/create-egress-fetch';
import type { EgressPolicy } from '../../../egress/egress-policy';
import { egressPolicies } from '../../../egress/egress-settings';
import type { FetchLike } from '../../../egress/fetch-like';
import {
  type AccountGuard,
  createAccountGuard,
  DEFAULT_ADMIN_TTL_MS,
  DEFAULT_AMOJO_TTL_MS,
  DEFAULT_MAX_CACHED_ADMINS,
} from '../../../installation/create-account-guard';
import type { Logger } from '../../../observability/create-logger';
import type { Database } from '../../../store/schema';
import type { SecretBox } from '../../../store/secret-box';
import { DEFAULT_TOKEN_LEEWAY_SECONDS } from '../../auth/verify-one-time-token';
import type { Config } from '../../config';
import { type AccountThrottle, createAccountThrottle } from './create-account-throttle';
import { createPipelineDirectory, type PipelineDirectory } from './create-pipeline-directory';

/** What `widgetLinkRoutes` needs; the optional members default to the real clock, fetch and crypto. */
export interface WidgetLinkDeps {
  db: Kysely<Database>;
  /** `channel.id` names the scope amojo's connect will answer, so the link can be written before it (put-link.ts). */
  config: Pick<Config, 'sandbox' | 'publicUrl' | 'amocrm'> & { channel?: Pick<Config['channel'], 'id'> };
  logger: Logger;
  /** The amojo client of a region (`amojoBaseUrl(region, config.amojoBaseUrl)` with the channel id and secret). */
  amojoFor: (region: AmojoRegion) => Pick<AmojoClient, 'connect' | 'disconnect'>;
  /** Seals the signing secret at rest (DATA_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  /**
   * amoCRM's REST API as the account's installation: whether the caller is an admin (GET /api/v4/users/{id}), which
   * amojo id is the account's (GET /api/v4/account?with=amojo_id) and its pipelines (GET /api/v4/leads/pipelines).
   */
  amocrm: Pick<AmocrmClient, 'account' | 'user' | 'pipelines'>;
  /** Called after a job was queued (a source sync), so the worker picks it up at once instead of at its next turn. */
  onQueued?: () => void;
  /** amoCRM's access popup for an account without a working installation, sent as `grant_url`. */
  grantUrl: (accountId: number, lang?: string, domain?: AccountDomain) => string;
  now?: () => Date;
  /** Where webhook URLs may point (default: https to public addresses, plus http in the sandbox). */
  egress?: EgressPolicy;
  /** Used only for the test event sent to the messenger's webhook URL (default: guarded by `egress`). */
  fetch?: FetchLike;
  randomBytes?: (size: number) => Uint8Array;
  newId?: () => string;
  limits?: Partial<WidgetLinkLimits>;
}

export interface WidgetLinkLimits {
  maxBodyBytes: number;
  tokenLeewaySeconds: number;
  /** One attempt, no retries: the admin is waiting and the answer carries Retry-After instead. */
  amojoTimeoutMs: number;
  testTimeoutMs: number;
  /** PUT, rotate and test calls per account in each minute, shared by all instances (each PUT connects at amojo). */
  callsPerMinute: number;
  /** Test events per account in each minute, within callsPerMinute: each is a request to the messenger. */
  testsPerMinute: number;
  /** How long amoCRM's "is this user an admin" answer is reused; a demoted admin keeps the rights this long. */
  adminTtlMs: number;
  /** How long the installation's amojo id is trusted before a PUT reads it from amoCRM again. */
  amojoTtlMs: number;
  /** Admin answers kept in memory at most. */
  maxCachedAdmins: number;
  /** How long GET waits for an install of the account still being exchanged before it answers "not installed". */
  installWaitMs: number;
  /** How long an account's pipelines, as amoCRM listed them, are served from memory. */
  pipelinesTtlMs: number;
}

export const DEFAULT_WIDGET_LINK_LIMITS: WidgetLinkLimits = {
  maxBodyBytes: 16 * 1024,
  tokenLeewaySeconds: DEFAULT_TOKEN_LEEWAY_SECONDS,
  amojoTimeoutMs: 8000,
  testTimeoutMs: 5000,
  callsPerMinute: 10,
  testsPerMinute: 3,
  adminTtlMs: DEFAULT_ADMIN_TTL_MS,
  amojoTtlMs: DEFAULT_AMOJO_TTL_MS,
  maxCachedAdmins: DEFAULT_MAX_CACHED_ADMINS,
  installWaitMs: 5000,
  pipelinesTtlMs: 60_000,
};

/** The dependencies with defaults filled in and the token settings checked once, at start-up. */
export interface WidgetLinkContext {
  db: Kysely<Database>;
  logger: Logger;
  amojoFor: WidgetLinkDeps['amojoFor'];
  secretBox: SecretBox;
  sandbox: boolean;
  channelId: string | undefined;
  now: () => Date;
  egress: EgressPolicy;
  fetch: FetchLike;
  randomBytes: (size: number) => Uint8Array;
  newId: () => string;
  limits: WidgetLinkLimits;
  token: { secret: string; clientId: string; audience: string };
  /** PUT, rotate and test, per account. */
  callThrottle: AccountThrottle;
  testThrottle: AccountThrottle;
  /** The installation, the caller's admin rights and the account's amojo id, as amoCRM reports them. */
  guard: AccountGuard;
  /** The account's active pipelines, cached for `pipelinesTtlMs`. */
  pipelines: PipelineDirectory;
  onQueued: () => void;
  grantUrl: WidgetLinkDeps['grantUrl'];
}

export function createWidgetLinkContext(deps: WidgetLinkDeps): WidgetLinkContext {
  const { clientId, clientSecret, redirectUri } = deps.config.amocrm;
  // The docs derive aud from the integration's redirect_uri; PUBLIC_URL is the fallback when none is configured.
  const audienceSource = redirectUri ?? deps.config.publicUrl;
  if (!clientId || !clientSecret || !audienceSource) {
    throw new Error(
      'widget link API: AMOCRM_CLIENT_ID, AMOCRM_CLIENT_SECRET and AMOCRM_REDIRECT_URI (or PUBLIC_URL) are needed to verify X-Auth-Token',
    );
  }
  const limits = { ...DEFAULT_WIDGET_LINK_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => new Date());
  const egress = deps.egress ?? egressPolicies({ allow: [], mediaHosts: [] }, deps.config.sandbox).webhooks;
  return {
    db: deps.db,
    logger: deps.logger,
    amojoFor: deps.amojoFor,
    secretBox: deps.secretBox,
    sandbox: deps.config.sandbox,
    channelId: deps.config.channel?.id,
    now,
    egress,
    fetch: deps.fetch ?? createEgressFetch(egress),
    randomBytes: deps.randomBytes ?? cryptoRandomBytes,
    newId: deps.newId ?? randomUUID,
    limits,
    token: { secret: clientSecret, clientId, audience: new URL(audienceSource).origin },
    callThrottle: createAccountThrottle({
      db: deps.db,
      now,
      name: 'link-calls',
      rule: { limit: limits.callsPerMinute, windowMs: 60_000 },
      message: 'Too many changes to the link; wait a minute before the next one.',
    }),
    testThrottle: createAccountThrottle({
      db: deps.db,
      now,
      name: 'link-tests',
      rule: { limit: limits.testsPerMinute, windowMs: 60_000 },
      message: 'Too many test events; wait a little before the next one.',
    }),
    guard: createAccountGuard({
      db: deps.db,
      client: deps.amocrm,
      now: () => now().getTime(),
      grantUrl: deps.grantUrl,
      adminTtlMs: limits.adminTtlMs,
      amojoTtlMs: limits.amojoTtlMs,
      maxCached: limits.maxCachedAdmins,
    }),
    pipelines: createPipelineDirectory({
      client: deps.amocrm,
      now: () => now().getTime(),
      ttlMs: limits.pipelinesTtlMs,
      maxAccounts: limits.maxCachedAdmins,
    }),
    onQueued: deps.onQueued ?? (() => {}),
    grantUrl: deps.grantUrl,
  };
}
