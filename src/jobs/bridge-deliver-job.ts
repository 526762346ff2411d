import { bridgeDeliverJobKey } from './bridge-deliver-job-key';
import type { NewOutboxJob } from './new-outbox-job';
import { deliveryOrderingKey } from './ordering-keys';
import type { RelayJob } from './relay-jobs';

/** The job a newly accepted hook causes: deliver it to the messenger (see handle-bridge-deliver.ts). */
export function bridgeDeliverJob(linkId: string, dedupeKey: string, amojoChatId: string): NewOutboxJob {
  const payload: RelayJob = { kind: 'bridge.deliver', linkId, dedupeKey };
  return {
    idempotencyKey: bridgeDeliverJobKey(dedupeKey),
    kind: payload.kind,
    payload: JSON.stringify(payload),
    linkId,
    orderingKey: deliveryOrderingKey(linkId, amojoChatId),
  };
}
