import type { DeliveryStatusRequest } from '../contracts/amojo';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { statusOrderingKey } from '../jobs/ordering-keys';
import type { RelayJob } from '../jobs/relay-jobs';

/**
 * A delivery status for amojo, one job per (message, status): reporting "delivered" twice for one message is
 * one job. Error texts are cut to 200 characters, as amojo shows them to the manager.
 */
export function deliveryStatusJob(
  linkId: string,
  amojoMsgId: string,
  status: Omit<DeliveryStatusRequest, 'msgid'>,
): NewOutboxJob {
  const request: DeliveryStatusRequest = {
    msgid: amojoMsgId,
    delivery_status: status.delivery_status,
    ...(status.error_code === undefined ? {} : { error_code: status.error_code }),
    ...(status.error === undefined ? {} : { error: [...status.error].slice(0, 200).join('') }),
  };
  const payload: RelayJob = { kind: 'amojo.delivery_status', linkId, amojoMsgId, request };
  return {
    idempotencyKey: `amojo.delivery_status:${linkId}:${amojoMsgId}:${status.delivery_status}`,
    kind: payload.kind,
    payload: JSON.stringify(payload),
    linkId,
    orderingKey: statusOrderingKey(linkId, amojoMsgId),
  };
}
