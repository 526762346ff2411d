import { isTransientStatus } from '../http/is-transient-status';
import type { BridgePostResult } from './post-bridge-event';

/**
 * Whether a delivery failed because the messenger's webhook is out of order rather than because of the event: a
 * timeout, an unreachable host, an address the egress guard refuses, 408, 429 or a 5xx. Only these count towards
 * the link's delivery breaker. Any other answer, a refusal included, shows a webhook that answers.
 */
export function isMessengerOutage(result: BridgePostResult): boolean {
  if (result.ok) return false;
  return typeof result.status === 'number' ? isTransientStatus(result.status) : true;
}
