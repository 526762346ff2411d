import type { Kysely } from 'kysely';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import {
  countOpenDeliveryBreakers,
  DELIVERY_HELD,
  type DeliveryBreaker as DeliveryBreakerRow,
  findDeliveryBreaker,
  forgetStaleDeliveryBreaker,
  recordDeliveryOutage,
  recordDeliverySuccess,
  releaseHeldDeliveries,
  takeBreakerProbe,
} from '../store/delivery-breaker-repo';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY } from '../store/next-breaker-state';
import type { Database } from '../store/schema';
import { type BreakerAdmission, breakerAdmission } from './breaker-admission';

export { DELIVERY_HELD };

export interface DeliveryBreaker {
  /**
   * The hold of a delivery to the link's webhook, or undefined if it may go on to its work: asked before
   * the work (reading the hook, mirroring media) so a held job costs no more than this. Never takes the probe: a
   * wait that is over answers undefined, and admit decides at the POST who probes.
   */
  held(link: BreakerLink): Promise<Extract<BreakerAdmission, { type: 'hold' }> | undefined>;
  /** May a delivery to the link's webhook go now? Reads the store only when the link's breaker is not closed. */
  admit(link: BreakerLink): Promise<BreakerAdmission>;
  /** What the delivery met: an outage (isMessengerOutage) or an answer. */
  record(link: BreakerLink, outage: boolean, admission: BreakerAdmission): Promise<void>;
}

type BreakerLink = { id: string; webhookUrl: string };

export interface DeliveryBreakerOptions {
  now: () => number;
  policy?: Partial<BreakerPolicy> | undefined;
  /** How long a closed breaker is taken on trust before the store is read again (default 1 s). */
  cacheMs?: number | undefined;
  metrics?: Pick<Metrics, 'deliveryBreakersOpen' | 'deliveryBreakerOpenings'> | undefined;
  logger?: Logger | undefined;
}

/**
 * The circuit breaker of every link's messenger webhook, stored (delivery_breakers) so every instance holds a link
 * alike: after `threshold` straight outage failures, deliveries of the link wait (the job goes back untried, due
 * when the wait ends, and holds no worker meanwhile), then one delivery probes; its success closes the breaker and
 * releases the held deliveries, its failure opens it again for twice as long, up to `maxOpenMs`.
 *
 * The hot path (a healthy link) costs no query: a closed breaker is remembered for `cacheMs`, and an answer writes
 * only when a streak was known. So another instance's opening is seen within `cacheMs`, or at this instance's next
 * failure, whose write returns it. A delivery about to be held reads the store first: a breaker another instance
 * just closed must not hold it for minutes.
 */
export function createDeliveryBreaker(db: Kysely<Database>, options: DeliveryBreakerOptions): DeliveryBreaker {
  const policy = { ...DEFAULT_BREAKER_POLICY, ...options.policy };
  const cacheMs = options.cacheMs ?? 1000;
  const { now, metrics, logger } = options;
  const cache = new Map<string, { state: DeliveryBreakerRow | undefined; until: number }>();
  const remember = (linkId: string, state: DeliveryBreakerRow | undefined) => {
    if (cache.size > 10_000) cache.clear();
    cache.set(linkId, { state, until: now() + cacheMs });
  };
  const read = async (linkId: string) => {
    const state = await findDeliveryBreaker(db, linkId);
    remember(linkId, state);
    return state;
  };
  const refreshGauge = async () => {
    if (metrics) metrics.deliveryBreakersOpen.set(await countOpenDeliveryBreakers(db));
  };
  // The breaker closed (or was forgotten): the deliveries it held are due now rather than when their wait ends.
  const release = async (linkId: string, why: string) => {
    const released = await releaseHeldDeliveries(db, linkId, DELIVERY_HELD, now());
    logger?.info({ linkId, released }, why);
    await refreshGauge();
  };
  /**
   * A breaker counted against a URL the link's copy does not have. A save of a new URL drops the breaker in its own
   * transaction (links-repo), so such a row is one a worker with a lagging copy wrote since, or the copy here lags:
   * the store decides (forgetStaleDeliveryBreaker compares with the stored link), and either way this delivery is
   * not held by it.
   */
  const forgetOldUrl = async (link: BreakerLink, known: DeliveryBreakerRow) => {
    const removed = await forgetStaleDeliveryBreaker(db, link.id);
    // Not removed: the row is the stored link's own (this copy lags), so it is what the next look should see.
    remember(link.id, removed ? undefined : known);
    if (removed?.openUntil != null) await release(link.id, 'webhook URL changed: delivery breaker reset');
  };
  /** The store's verdict, read again when the cached one would hold: another instance may have closed it. */
  const verdictOf = async (link: BreakerLink) => {
    const hit = cache.get(link.id);
    const known = hit && hit.until > now() ? hit.state : await read(link.id);
    if (known !== undefined && known.webhookUrl !== link.webhookUrl) {
      await forgetOldUrl(link, known);
      return { state: undefined, verdict: { type: 'pass' } as const };
    }
    if (breakerAdmission(known, link.webhookUrl, now()).type === 'pass') {
      return { state: known, verdict: { type: 'pass' } as const };
    }
    const state = hit && hit.until > now() ? await read(link.id) : known;
    return { state, verdict: breakerAdmission(state, link.webhookUrl, now()) };
  };

  return {
    async held(link) {
      const { verdict } = await verdictOf(link);
      return verdict.type === 'hold' ? verdict : undefined;
    },

    async admit(link) {
      const { state, verdict } = await verdictOf(link);
      if (verdict.type !== 'probe' || state === undefined) return verdict;
      const at = now();
      if (await takeBreakerProbe(db, { linkId: link.id, webhookUrl: link.webhookUrl }, at, policy.probeMs)) {
        remember(link.id, { ...state, probeUntil: at + policy.probeMs });
        return verdict;
      }
      // Another delivery took the probe a moment ago (or the breaker changed): wait for what the store says now.
      const after = breakerAdmission(await read(link.id), link.webhookUrl, now());
      return after.type === 'probe' ? { type: 'hold', until: now(), probing: true } : after;
    },

    async record(link, outage, admission) {
      const probe = admission.type === 'probe';
      if (outage) {
        const { before, after } = await recordDeliveryOutage(
          db,
          { linkId: link.id, webhookUrl: link.webhookUrl, probe },
          now(),
          policy,
        );
        remember(link.id, after);
        const wasOpen = before?.webhookUrl === link.webhookUrl && before.openUntil !== null;
        const log = { linkId: link.id, failures: after.failures, openUntil: after.openUntil };
        if (!wasOpen && after.openUntil !== null) {
          metrics?.deliveryBreakerOpenings.inc();
          logger?.warn(log, 'messenger webhook failing: delivery breaker opened');
          await refreshGauge();
        } else if (probe && after.openUntil !== null) {
          logger?.info(log, 'messenger webhook still failing: delivery breaker opened again');
        }
        return;
      }
      const hit = cache.get(link.id);
      // Nothing known against this URL and not a probe: a healthy link's answer writes nothing.
      if (!probe && (hit === undefined || hit.state?.webhookUrl !== link.webhookUrl)) return;
      const removed = await recordDeliverySuccess(db, { linkId: link.id, webhookUrl: link.webhookUrl });
      remember(link.id, undefined);
      if (removed?.openUntil != null)
        await release(link.id, 'messenger webhook answers again: delivery breaker closed');
    },
  };
}
