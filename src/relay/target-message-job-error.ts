import { AmojoError } from '../amojo/amojo-error';
import { findMessageByOurId } from '../store/messages-repo';
import { findDeadJobsMentioning } from '../store/outbox-repo';
import { payloadString } from '../store/payload-string';
import { amojoJobError } from './amojo-job-error';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/**
 * An amojo failure of a job that names one of our client messages by msgid (an edit, a reaction). amojo's 404 is
 * retried, as the message may still be in processing there, unless the message's own new_message job is dead: then
 * it never reached amojo, retrying would hold the conversation's later messages back for all the attempts, and
 * the job is better off beside its message among the dead letters, to be replayed after it.
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

/**
 * Whether the client message `msgid` names has a dead send. Found through the message row, as its job key depends on
 * how the message came (a request or a history import) and a long id is only a hash in the msgid.
 */
async function sendIsDead(deps: Pick<RelayDeps, 'db'>, linkId: string, msgid: string | undefined): Promise<boolean> {
  if (msgid === undefined) return false;
  const message = await findMessageByOurId(deps.db, linkId, msgid);
  if (message?.direction !== 'in') return false;
  const dead = await findDeadJobsMentioning(deps.db, linkId, 'amojo.new_message', message.id);
  return dead.some((job) => payloadString(job.payload, 'messageRowId') === message.id);
}
