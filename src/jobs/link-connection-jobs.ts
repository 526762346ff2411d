import type { NewOutboxJob } from './new-outbox-job';
import { linkConnectionOrderingKey } from './ordering-keys';
import type { RelayJob } from './relay-jobs';

/**
 * The jobs that connect and disconnect a link's scope at amojo after an install or a removal. They share one
 * ordering key per link, so a quick removal and reinstall run in the order they happened. No link column: parking a
 * link's jobs must never park the disconnect that follows it. Each event gets its own key (the time), since the
 * same link may be removed and installed many times.
 */
export function connectLinkJob(linkId: string, now: number): NewOutboxJob {
  return linkConnectionJob({ kind: 'amojo.connect_link', linkId }, now);
}

export function disconnectLinkJob(linkId: string, now: number): NewOutboxJob {
  return linkConnectionJob({ kind: 'amojo.disconnect_link', linkId }, now);
}

function linkConnectionJob(
  job: Extract<RelayJob, { kind: 'amojo.connect_link' | 'amojo.disconnect_link' }>,
  now: number,
) {
  return {
    idempotencyKey: `${job.kind}:${job.linkId}:${now}`,
    kind: job.kind,
    payload: JSON.stringify(job),
    linkId: null,
    orderingKey: linkConnectionOrderingKey(job.linkId),
  };
}
