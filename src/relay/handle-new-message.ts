import type { Participant as AmojoParticipant, NewMessageRequest } from '../contracts/amojo';
import type { RelayJob } from '../jobs/relay-jobs';
import { type ConversationToRelay, findMessageToRelay } from '../store/find-message-to-relay';
import type { ConversationToBind } from '../store/messages-repo';
import { findParticipantById, type Participant } from '../store/participants-repo';
import type { JobResult } from './job-handler';
import { liveLink } from './live-link';
import { messageSendError } from './message-send-error';
import { newMessageEffects } from './new-message-effects';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

type NewMessageJob = Extract<RelayJob, { kind: 'amojo.new_message' }>;

/**
 * A client message to amojo. The msgid in the request was derived from the messenger's id, so a re-run after a
 * crash is refused by amojo as a duplicate, which counts as sent. The first message of a write-first chat also
 * carries conversation_ref_id and sender.ref_id; clearing refPending commits with the job, so they are sent until
 * amojo has accepted one message with them, and never after (the next message of the chat waits for this one).
 *
 * A history import also sends the business side's old messages this way (stored as outgoing, sent with the client
 * as `receiver`): those are no echo. A contact hint that arrived on a later message of a conversation (its first
 * went without one) is bound after this message: the `pending` state and the `amocrm.bind_contact` job commit with
 * the job. A hint on the request that created the conversation was queued by the bridge, before the message.
 * A write-first chat was started by a manager on an amoCRM contact: it is marked `crm` and its hint is never used.
 */
export async function handleNewMessage(deps: RelayDeps, job: NewMessageJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  const found = await findMessageToRelay(deps.db, job.messageRowId);
  if (!found) throw new RelayJobError('message_row_missing', { retryable: false });
  const { message, conversation } = found;
  // A manager message must never travel back to amojo as if the client wrote it. An imported business message
  // names the client as its receiver: amojo files it as the business side's, which is what it is.
  const outgoing = message.direction === 'out';
  if (outgoing && job.request.payload.receiver === undefined) return { outcome: 'echo' };
  if (message.amojoMsgId !== null) return { outcome: 'already_sent' };

  const binding = conversation ? await writeFirstBinding(deps, conversation, job.request) : undefined;
  const request = binding?.request ?? job.request;
  const bindAfter = conversation !== undefined && !binding && hintToBind(conversation);

  let sent: Awaited<ReturnType<ReturnType<RelayDeps['amojo']>['sendMessage']>>;
  try {
    sent = await deps.amojo(link.region).sendMessage(link.scopeId, request, { retry: false });
  } catch (error) {
    throw await messageSendError(deps.db, link.id, error);
  }

  const effects = newMessageEffects({
    linkId: link.id,
    messageRowId: message.id,
    conversation,
    request,
    outgoing,
    sent,
    bindAfter,
    writeFirst: binding && { participant: binding.participant },
  });
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
  const withRef = (client: AmojoParticipant) =>
    refId === undefined || client.ref_id !== undefined ? client : { ...client, ref_id: refId };
  const { sender, receiver } = request.payload;
  return {
    participant,
    request: {
      ...request,
      payload: {
        ...request.payload,
        conversation_ref_id: conversation.amojoChatId,
        // The client is the sender of a client message and the receiver of an imported business message.
        ...(receiver === undefined ? { sender: withRef(sender) } : { receiver: withRef(receiver) }),
      },
    },
  };
}

/**
 * Whether this conversation's contact hint is still to be bound, after this message: a hint kept, no state yet (a
 * binding queued or done, or a chat amoCRM's own, has one), and no write-first binding pending. Read with the
 * message, in the same query (findMessageToRelay).
 */
function hintToBind(conversation: ConversationToRelay): boolean {
  return conversation.contactHint !== null && conversation.contactState === null && conversation.refPending !== 1;
}
