import type { BridgeMessageStatus } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { findMessageByOurId } from '../store/messages-repo';
import { findJobByKey } from '../store/outbox-repo';
import type { BridgeLink } from './authenticate-bridge';
import type { BridgeDeps } from './bridge-deps';
import { bridgeMsgid } from './bridge-msgid';

/**
 * GET /bridge/v1/messages/{id}: what became of a client message, read from what the relay itself records, so the
 * answer can never claim more than happened. amoCRM's id on the row (set when amojo accepted the message) or a done
 * job means amoCRM has it; a dead job means amojo refused it for good; anything else is still on its way. A manager
 * message, another link's message or an id never accepted is 404, as if it did not exist.
 */
export async function clientMessageStatus(
  deps: Pick<BridgeDeps, 'db'>,
  link: BridgeLink,
  id: string,
): Promise<BridgeMessageStatus> {
  const row = await findMessageByOurId(deps.db, link.id, bridgeMsgid(link.id, id));
  if (row?.direction !== 'in') throw new AppError('not_found', 'No client message with this id on this link.');
  // amoCRM's id on the row settles it, and is the usual answer: the job is read only while it is missing.
  if (row.amojoMsgId !== null) return { id, status: 'sent', message_id: row.amojoMsgId };
  const job = await findJobByKey(deps.db, bridgeJobKeys.message(link.id, id));
  if (job?.status === 'done') return { id, status: 'sent' };
  if (job?.status === 'dead') return { id, status: 'failed' };
  return { id, status: 'queued' };
}
