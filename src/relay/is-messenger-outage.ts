import { isTransientStatus } from '../http/is-transient-status';
import type { BridgePostResult } from './post-bridge-event';

/**
 * Whether a delivery failed because the messenger's webhook is out of order rather than because of the event: a
 * timeout, an unreachable host, 408, 429 or a 5xx. Only these count towards the link's delivery breaker. Any other
 * answer, a refusal included, shows a webhook that answers. An address the egress guard refuses is no outage: that
 * delivery is final at once (902, messengerFailure), so holding the link's others would only delay the same verdict.
 * An attempt the job's deadline cut short says nothing about the webhook.
 */
export function isMessengerOutage(result: BridgePostResult): boolean {
  if (result.ok) return false;
  if (typeof result.status === 'number') return isTransientStatus(result.status);
  return result.status === 'timeout' || result.status === 'network_error';
}
