import type { Kysely } from 'kysely';
import { AmojoError } from '../amojo/amojo-error';
import { linkConnectionOrderingKey } from '../jobs/ordering-keys';
import { hasLiveJob } from '../store/has-live-job';
import type { Database } from '../store/schema';
import { amojoJobError } from './amojo-job-error';
import { RelayJobError } from './relay-job-error';

/** How soon a message refused while its scope reconnects is tried again. */
const RECONNECT_RETRY_MS = 1000;

/**
 * A failed message send as a job failure. amojo answers 404 for a scope it does not hold connected, and right after
 * an install the link's reconnect (its own ordering key) runs side by side with the messages it unparked: a message
 * that wins that race is retried a moment later instead of being dead-lettered as "not found".
 */
export async function messageSendError(db: Kysely<Database>, linkId: string, error: unknown): Promise<unknown> {
  if (error instanceof AmojoError && error.code === 'not_found') {
    if (await hasLiveJob(db, linkConnectionOrderingKey(linkId))) {
      return new RelayJobError('amojo_scope_reconnecting', {
        retryable: true,
        retryAfterMs: RECONNECT_RETRY_MS,
        cause: error,
      });
    }
  }
  return amojoJobError(error);
}
