import type { NewMessageRequest } from '../contracts/amojo';
import type { RelayJob } from '../jobs/relay-jobs';
import { clearRefPending, touchInbound } from '../store/conversations-repo';
import { type ConversationToBind, findMessageToSend, setAmojoMsgId } from '../store/messages-repo';
import {
  bindParticipant,
  findParticipantByClientId,
  findParticipantById,
  type Participant,
} from '../store/participants-repo';
import { amojoJobError } from './amojo-job-error';
import type { JobEffect } from './job-effect';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

type NewMessageJob = Extract<RelayJob, { kind: 'amojo.new_message' }>;

/**
 * A client message to amojo. The msgid in the request was derived from the messenger's id, so a re-run after a
 * crash is refused by amojo as a duplicate, which counts as sent. The first message of a write-first chat also
 * carries conversation_ref_id and sender.ref_id; clearing refPending commits with the job, so they are sent until
 * amojo has accepted one message with them, and never after (the next message of the chat waits for this one).
 */
export async function handleNewMessage(deps: RelayDeps, job: NewMessageJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  const found = await findMessageToSend(deps.db, job.messageRowId);
  if (!found) throw new RelayJobError('message_row_missing', { retryable: false });
  const { message, conversation } = found;
  // A manager message must never travel back to amojo as if the client wrote it.
  if (message.direction === 'out') return { outcome: 'echo' };
  if (message.amojoMsgId !== null) return { outcome: 'already_sent' };

  const binding = conversation ? await writeFirstBinding(deps, conversation, job.request) : undefined;
  const request = binding?.request ?? job.request;

  let sent: Awaited<ReturnType<ReturnType<RelayDeps['amojo']>['sendMessage']>>;
  try {
    sent = await deps.amojo(link.region).sendMessage(link.scopeId, request, { retry: false });
  } catch (error) {
    throw amojoJobError(error);
  }

  const effects: JobEffect = async (trx, now) => {
    if (!sent.duplicate) await setAmojoMsgId(trx, message.id, sent.amojoMsgId, now);
    if (!conversation) return;
    await touchInbound(trx, conversation.id, request.payload.msec_timestamp);
    if (!binding) return;
    await clearRefPending(trx, conversation.id, now);
    const clientId = request.payload.sender.id;
    // Checked first: a unique violation would abort the whole batch's transaction on PostgreSQL.
    if (binding.participant?.clientId === null && !(await findParticipantByClientId(trx, link.id, clientId))) {
      await bindParticipant(trx, binding.participant.id, { clientId }, now);
    }
  };
  return { outcome: sent.duplicate ? 'duplicate' : 'sent', effects };
}

interface Binding {
  request: NewMessageRequest;
  participant: Participant | undefined;
}

/** The request with the write-first references added, when this conversation still owes them to amojo. */
async function writeFirstBinding(
  deps: RelayDeps,
  conversation: ConversationToBind,
  request: NewMessageRequest,
): Promise<Binding | undefined> {
  if (conversation.refPending !== 1 || conversation.amojoChatId === null) return undefined;
  if (conversation.conversationId !== request.payload.conversation_id) return undefined;
  const participant = conversation.participantId
    ? await findParticipantById(deps.db, conversation.participantId)
    : undefined;
  const refId = participant?.amojoUserId ?? undefined;
  const { sender } = request.payload;
  return {
    participant,
    request: {
      ...request,
      payload: {
        ...request.payload,
        conversation_ref_id: conversation.amojoChatId,
        sender: refId === undefined || sender.ref_id !== undefined ? sender : { ...sender, ref_id: refId },
      },
    },
  };
}
