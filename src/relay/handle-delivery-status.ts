import type { RelayJob } from '../jobs/relay-jobs';
import { advanceMessageStatus, findMessageByAmojoId, type MessageStatusCode, statusRank } from '../store/messages-repo';
import { amojoJobError } from './amojo-job-error';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';

type StatusJob = Extract<RelayJob, { kind: 'amojo.delivery_status' }>;

/**
 * A delivery status of a manager message. A status behind the stored one (read, then a late "delivered") is not
 * sent, so amojo never sees a downgrade. Statuses of one
 * message share an ordering key (statusOrderingKey), which is what makes this check-then-send safe.
 */
export async function handleDeliveryStatus(deps: RelayDeps, job: StatusJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  const status = job.request.delivery_status as MessageStatusCode;
  const message = await findMessageByAmojoId(deps.db, link.id, job.amojoMsgId);
  // Strictly ahead only: a bridge receipt records the messenger's status before queuing its report, so an equal
  // stored status still has to reach amojo (amojo takes a repeat calmly; a duplicate job is stopped by its key).
  if (message && statusRank(message.status as MessageStatusCode) > statusRank(status)) {
    return { outcome: 'not_forward' };
  }
  try {
    await deps.amojo(link.region).deliveryStatus(link.scopeId, job.amojoMsgId, job.request, { retry: false });
  } catch (error) {
    throw amojoJobError(error, { retryNotFound: true });
  }
  if (!message) return { outcome: 'sent' };
  return {
    outcome: 'sent',
    effects: async (trx, now) => {
      await advanceMessageStatus(trx, message.id, { status, errorCode: job.request.error_code ?? null, now });
    },
  };
}
