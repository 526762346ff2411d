import type { NewOutboxJob } from '../jobs/new-outbox-job';
import type { NewInboxRow } from './schema';

/** A received hook and, optionally, the job it causes; the job is enqueued only if the hook is new. */
export interface IngressRow {
  event: NewInboxRow;
  job?: NewOutboxJob;
}

export type IngressResult = 'new' | 'duplicate';
