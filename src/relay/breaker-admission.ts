import type { BreakerState } from '../store/next-breaker-state';

/**
 * What a delivery may do now: go, go as the probe of a breaker whose wait is over, or wait until `until`;
 * `probing` when it waits only for another delivery's probe, whose outcome is due within the probe's time.
 */
export type BreakerAdmission =
  | { type: 'pass' }
  | { type: 'probe' }
  | { type: 'hold'; until: number; probing?: true | undefined };

/**
 * The breaker's verdict on a delivery to `webhookUrl` at `now`, from its stored state. A state counted against
 * another URL is no state at all: a link saved with a new URL starts closed. A probe must still be taken in the
 * store (takeBreakerProbe), since only one delivery across all instances may be it.
 */
export function breakerAdmission(state: BreakerState | undefined, webhookUrl: string, now: number): BreakerAdmission {
  if (state === undefined || state.webhookUrl !== webhookUrl || state.openUntil === null) return { type: 'pass' };
  if (state.openUntil > now) return { type: 'hold', until: state.openUntil };
  if (state.probeUntil !== null && state.probeUntil > now)
    return { type: 'hold', until: state.probeUntil, probing: true };
  return { type: 'probe' };
}
