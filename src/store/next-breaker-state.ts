import type { DeliveryBreakerRow } from './schema';

/** A link's breaker as its transitions see it: the stored row without its keys. */
export type BreakerState = Pick<
  DeliveryBreakerRow,
  'webhookUrl' | 'failures' | 'failingSince' | 'openUntil' | 'openings' | 'probeUntil'
>;

export interface BreakerPolicy {
  /** Consecutive outage failures of a link's webhook that open its breaker. */
  threshold: number;
  /** The first wait once open; it doubles with every opening of the same streak. */
  openMs: number;
  /** The longest wait. */
  maxOpenMs: number;
  /**
   * How long one probe may take before another delivery may probe instead: longer than a delivery's timeout, so
   * only a worker that died on its probe frees the breaker this way.
   */
  probeMs: number;
}

/** 5 straight failures; then 30 s, 1, 2, 4, 8 min, then 10 min between probes (docs/decisions.md). */
export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  threshold: 5,
  openMs: 30_000,
  maxOpenMs: 600_000,
  probeMs: 30_000,
};

/**
 * The breaker after one more outage failure of a delivery to `webhookUrl`. A state counted against another URL is
 * gone (the link was saved with a new one). The breaker opens when the streak reaches the threshold while it is
 * closed, and opens again, with the next wait, when the probe fails; a failure of a delivery that was already on its
 * way when it opened only adds to the streak, so a burst of failures in flight opens it once.
 */
export function nextBreakerState(
  current: BreakerState | undefined,
  failure: { webhookUrl: string; probe: boolean },
  now: number,
  policy: BreakerPolicy,
): BreakerState {
  const base = current?.webhookUrl === failure.webhookUrl ? current : undefined;
  const failures = (base?.failures ?? 0) + 1;
  const openings = base?.openings ?? 0;
  const isOpen = base?.openUntil != null;
  const opens = isOpen ? failure.probe : failures >= policy.threshold;
  if (!opens) {
    return {
      webhookUrl: failure.webhookUrl,
      failures,
      failingSince: base?.failingSince ?? now,
      openUntil: base?.openUntil ?? null,
      openings,
      probeUntil: base?.probeUntil ?? null,
    };
  }
  const waitMs = Math.min(policy.maxOpenMs, policy.openMs * 2 ** Math.min(openings, 30));
  return {
    webhookUrl: failure.webhookUrl,
    failures,
    failingSince: base?.failingSince ?? now,
    openUntil: now + waitMs,
    openings: openings + 1,
    probeUntil: null,
  };
}
