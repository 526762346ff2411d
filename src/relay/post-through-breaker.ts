import type { BridgeOutboundEvent } from '../contracts/bridge';
import { DELIVERY_HELD } from './create-delivery-breaker';
import { isMessengerOutage } from './is-messenger-outage';
import type { LiveLink } from './live-link';
import { type BridgePostResult, postBridgeEvent } from './post-bridge-event';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/**
 * postBridgeEvent behind the link's delivery breaker: while it is open the event is not sent and the job goes back
 * untried, due when the wait ends (RelayJobError.holdUntil); otherwise the outcome is reported to it. A report that
 * cannot be stored does not fail a delivery that happened: the breaker only misses one count.
 */
export async function postThroughBreaker(
  deps: Pick<RelayDeps, 'fetch' | 'now' | 'signingSecretOf' | 'deliveryTimeoutMs' | 'metrics' | 'breaker' | 'logger'>,
  link: LiveLink,
  event: BridgeOutboundEvent,
): Promise<BridgePostResult> {
  const { breaker } = deps;
  if (!breaker) return postBridgeEvent(deps, link, event);
  const admission = await breaker.admit(link);
  if (admission.type === 'hold') {
    const hold = { retryable: true, holdUntil: admission.until, holdForProbe: admission.probing };
    throw new RelayJobError(DELIVERY_HELD, hold);
  }
  const result = await postBridgeEvent(deps, link, event);
  // Cut short by the job's deadline: neither an outage nor an answer. A probe this attempt held lapses on its own.
  if (!result.ok && result.status === 'aborted') return result;
  try {
    await breaker.record(link, isMessengerOutage(result), admission);
  } catch (error) {
    deps.logger?.warn({ err: error, linkId: link.id }, 'delivery breaker not updated');
  }
  return result;
}
