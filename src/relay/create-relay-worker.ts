import type { Kysely } from 'kysely';
import type { AmocrmClient } from '../amocrm/amocrm-client';
import { isAmojoRegion } from '../amojo/amojo-hosts';
import { createAmojoClientPool } from '../amojo/create-amojo-client-pool';
import { createTypingThrottle } from '../bridge/create-typing-throttle';
import { createEgressFetch } from '../egress/create-egress-fetch';
import { createHttpFetch } from '../egress/create-http-fetch';
import type { EgressPolicy } from '../egress/egress-policy';
import type { FetchLike } from '../egress/fetch-like';
import type { RetryPolicy } from '../http/with-retry';
import type { InstallRunner } from '../installation/create-install-runner';
import type { MediaMirror } from '../media/create-media-mirror';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import type { BreakerPolicy } from '../store/next-breaker-state';
import type { OutboxJob } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import { createDeliveryBreaker } from './create-delivery-breaker';
import { createLinkCache } from './create-link-cache';
import { createRelayHandler } from './create-relay-handler';
import { createRelayRunner, DEFAULT_JOB_DEADLINE_MS, type JobHandler, type RelayRunner } from './create-relay-runner';
import { deadJobEffects } from './dead-job-effects';
import type { LiveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/** A messenger has this long to answer one delivery; see RelayWorkerOptions.deliveryTimeoutMs. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 5000;

export interface RelayWorkerOptions {
  db: Kysely<Database>;
  channel: {
    id: string;
    secret: string;
    /** AMOJO_BOT_ID. */
    botId?: string | undefined;
  };
  /** AMOJO_BASE_URL: one amojo host for every region (sandbox, tests). */
  amojoBaseUrl?: string | undefined;
  /** AMOJO_TIME_WINDOW_SECONDS: the client's reply window; undefined means none. */
  timeWindowSeconds?: number | undefined;
  /** Opens a link's signing secret, e.g. `(link) => openLinkSecrets(box, link).signingSecret`. */
  signingSecretOf: (link: LiveLink) => string;
  /** Used for amojo, and for the messengers' webhook URLs when given (tests); default: createHttpFetch for amojo. */
  fetch?: FetchLike;
  /**
   * Where messenger webhook URLs may point: deliveries then go through createEgressFetch. start-backend always
   * passes it; without it (and without `fetch`) deliveries share amojo's unguarded transport (tests, bench).
   */
  egress?: EgressPolicy;
  /** Mirrors the files of manager messages (createMediaMirror); without it amoCRM's links reach the messenger. */
  media?: MediaMirror;
  /** Runs the installs the redirect URI queues (createInstallRunner); without it they dead-letter. */
  install?: InstallRunner;
  /** amoCRM REST as each account's installation (the installation kit's client); without it source syncs dead-letter. */
  amocrm?: AmocrmClient;
  now?: () => number;
  random?: () => number;
  /**
   * One delivery attempt to a messenger (default 5 s): the messenger stores the event and answers, and does its slow
   * work after; a slow answer holds one of the worker's slots (docs/decisions.md, "Rate limits and timeouts").
   */
  deliveryTimeoutMs?: number;
  /**
   * The circuit breaker of each link's messenger webhook (default DEFAULT_BREAKER_POLICY: open after 5 straight
   * outage failures, 30 s doubling to 10 min between probes; docs/decisions.md, "Rate limits and timeouts").
   */
  deliveryBreaker?: Partial<BreakerPolicy>;
  /** One amojo call (default 10 s). */
  amojoTimeoutMs?: number;
  /**
   * One attempt of a job, everything included (default 60 s; an install 5 min): its amojo calls, deliveries and
   * media downloads are aborted then, and the attempt is retried as `job_deadline` (createRelayRunner).
   */
  jobDeadlineMs?: number | ((job: OutboxJob) => number);
  /** Client typing reaches amojo at most this often per conversation (default 3 s). */
  typingIntervalMs?: number;
  workerId?: string;
  concurrency?: number;
  /** Jobs of one link in flight at once, across workers (default 16 of the 128 slots; see createRelayRunner). */
  linkCap?: number;
  leaseMs?: number;
  idleMs?: number;
  /** Refresh of the relay_queue_depth gauge (default 15 s). */
  depthEveryMs?: number;
  retry?: RetryPolicy;
  metrics?: Metrics;
  logger?: Logger;
}

/**
 * The relay worker of one process: amojo jobs (messages, edits, typing, reactions, statuses) and deliveries to the
 * messengers, from the durable outbox. Call start(); on shutdown, stop() finishes what is in flight. Any number of
 * processes may run one against the same database: leases keep a job with one worker at a time.
 */
export function createRelayWorker(options: RelayWorkerOptions): RelayRunner {
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? createHttpFetch();
  const deliveryFetch = options.fetch ?? (options.egress ? createEgressFetch(options.egress) : fetchImpl);
  const { metrics, logger } = options;
  // Clients for one fetch: the worker's own, or one bound to a job attempt's deadline (see `handle` below).
  const amojoWith = (fetch: FetchLike): RelayDeps['amojo'] => {
    const amojoOf = createAmojoClientPool({
      channelId: options.channel.id,
      secret: options.channel.secret,
      baseUrlOverride: options.amojoBaseUrl,
      fetch,
      timeoutMs: options.amojoTimeoutMs ?? 10_000,
      ...(metrics
        ? { observe: (e) => metrics.amojoCalls.inc({ endpoint: e.endpoint, outcome: String(e.outcome) }) }
        : {}),
    });
    // A link's region comes from the database; one this release does not know can never be sent, so the job is dead.
    return (region: string) => {
      if (!isAmojoRegion(region)) throw new RelayJobError('unknown_region', { retryable: false });
      return amojoOf(region);
    };
  };
  const signingSecrets = new Map<string, string>();
  const deps: RelayDeps = {
    db: options.db,
    links: createLinkCache(options.db, { now }),
    amojo: amojoWith(fetchImpl),
    // Opening a sealed secret is cheap but not free; the sealed value itself is the cache key, so a rotation is
    // picked up as soon as the link cache sees the new value.
    signingSecretOf: (link) => {
      const sealed = link.signingSecretEnc;
      let secret = signingSecrets.get(sealed);
      if (secret === undefined) {
        secret = options.signingSecretOf(link);
        if (signingSecrets.size > 10_000) signingSecrets.clear();
        signingSecrets.set(sealed, secret);
      }
      return secret;
    },
    botId: options.channel.botId,
    timeWindowSeconds: options.timeWindowSeconds,
    fetch: deliveryFetch,
    media: options.media,
    install: options.install,
    amocrm: options.amocrm,
    now,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
    breaker: createDeliveryBreaker(options.db, { now, policy: options.deliveryBreaker, metrics, logger }),
    // Kept from before the two throttles merged: typing jobs reach the relay from the bridges of every process.
    typingThrottle: createTypingThrottle({ intervalMs: options.typingIntervalMs ?? 3000, maxEntries: 50_000 }),
    metrics,
    logger,
  };
  // Each attempt runs with its deadline bound into every call that may wait: amojo, the messenger, media downloads.
  // The handlers stay unaware of it; the clients, the link cache and the throttles are still the worker's own.
  const handle: JobHandler = (job, ctx) => {
    const { signal } = ctx;
    const { media } = deps;
    return createRelayHandler({
      ...deps,
      amojo: amojoWith(withSignal(fetchImpl, signal)),
      fetch: withSignal(deliveryFetch, signal),
      media: media && ((source, seed, fileName, account) => media(source, seed, fileName, account, signal)),
    })(job, ctx);
  };
  return createRelayRunner({
    db: options.db,
    handle,
    now,
    deadlineMs: options.jobDeadlineMs ?? deadlineOf,
    deadEffects: (job, code) => deadJobEffects(deps, job, code),
    ...pick(options, [
      'workerId',
      'concurrency',
      'linkCap',
      'leaseMs',
      'idleMs',
      'depthEveryMs',
      'retry',
      'random',
      'metrics',
      'logger',
    ]),
  });
}

/**
 * An install exchanges a code and reads the account from amoCRM, several calls with retries of their own, and its
 * calls do not take the job's signal: a deadline that cut it short would leave it running while a retry spends the
 * same code. So it gets more time; every other job the default.
 */
const INSTALL_DEADLINE_MS = 5 * 60_000;
const deadlineOf = (job: OutboxJob) => (job.kind === 'amocrm.install' ? INSTALL_DEADLINE_MS : DEFAULT_JOB_DEADLINE_MS);

/** The fetch with `signal` joined to whatever signal each call brings (its own timeout). */
function withSignal(fetch: FetchLike, signal: AbortSignal): FetchLike {
  return (url, init = {}) =>
    fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
