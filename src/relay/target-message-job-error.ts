import { AmojoError } from '../amojo/amojo-error';
import { bridgeJobKeys } from '../bridge/bridge-job-keys';
import { messengerIdFromMsgid } from '../bridge/bridge-msgid';
import { findJobByKey } from '../store/outbox-repo';
import { amojoJobError } from './amojo-job-error';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/**
 * An amojo failure of a job that names one of our client messages by msgid (an edit, a reaction). amojo's 404 is
 * retried, as the message may still be in processing there, unless the message's own new_message job is dead: then
 * it never reached amojo, retrying would hold the conversation's later messages back for all the attempts, and
 * the job is better off beside its message among the dead letters, to be replayed after it.
 *
 * Only msgids that still carry the messenger's id can name that job; for hashed ids and history imports (whose keys
 * hold the import id) the 404 is retried as before.
 */
export async function targetMessageJobError(
  deps: Pick<RelayDeps, 'db'>,
  linkId: string,
  msgid: string | undefined,
  error: unknown,
): Promise<unknown> {
  if (error instanceof AmojoError && error.code === 'not_found' && (await sendIsDead(deps, linkId, msgid))) {
    return new RelayJobError('target_message_dead', { retryable: false, cause: error });
  }
  return amojoJobError(error, { retryNotFound: true });
}

async function sendIsDead(deps: Pick<RelayDeps, 'db'>, linkId: string, msgid: string | undefined): Promise<boolean> {
  const messengerId = messengerIdFromMsgid(linkId, msgid);
  if (messengerId === undefined) return false;
  const job = await findJobByKey(deps.db, bridgeJobKeys.message(linkId, messengerId));
  return job?.kind === 'amojo.new_message' && job.status === 'dead';
}
