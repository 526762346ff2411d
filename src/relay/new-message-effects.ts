import type { SendMessageResult } from '../amojo/create-amojo-client';
import { chatOpeningOf } from '../bridge/chat-opening-of';
import type { NewMessageRequest } from '../contracts/amojo';
import { contactBindJob } from '../jobs/amocrm-jobs';
import { clearRefPending, setConversationContact } from '../store/conversations-repo';
import type { ConversationToBind } from '../store/messages-repo';
import { enqueue } from '../store/outbox-repo';
import { bindParticipant, findParticipantByClientId, type Participant } from '../store/participants-repo';
import { batchedEffects } from './batched-effects';
import type { JobEffect } from './job-effect';

export interface SentClientMessage {
  linkId: string;
  messageRowId: string;
  conversation: ConversationToBind | undefined;
  /** The request amojo took, write-first references included. */
  request: NewMessageRequest;
  /** An imported business message (stored as outgoing), not the client's own. */
  outgoing: boolean;
  sent: SendMessageResult;
  /** The conversation's contact hint is bound after this message (handleNewMessage's hintToBind). */
  bindAfter: boolean;
  /** The write-first references went with this message; the participant they name, if the conversation has one. */
  writeFirst: { participant: Participant | undefined } | undefined;
}

/**
 * What a client message amojo took writes in the job's transaction: amojo's id on our row (amojo names none when it
 * answers that it has the message already), the conversation's client message time (the reply window runs from the
 * client's own messages only), and, on a conversation's first messages only, a contact binding or the write-first
 * references. The common case is made of the first two alone: batched (batchedEffects), so the committer writes them
 * for a whole batch of jobs in one statement.
 */
export function newMessageEffects(message: SentClientMessage): JobEffect {
  const { linkId, conversation, request, sent, bindAfter, writeFirst } = message;
  const writes = batchedEffects({
    amojoMsgIds: sent.duplicate ? [] : [{ messageId: message.messageRowId, amojoMsgId: sent.amojoMsgId }],
    inboundAt:
      conversation && !message.outgoing
        ? [{ conversationId: conversation.id, at: request.payload.msec_timestamp }]
        : [],
  });
  if (!conversation || (!bindAfter && !writeFirst)) return writes;
  return async (trx, now) => {
    await writes(trx, now);
    if (bindAfter) {
      await setConversationContact(trx, conversation.id, { contactId: null, state: 'pending' }, now);
      await enqueue(trx, contactBindJob(linkId, conversation.id, { chat: chatOpeningOf(request) }), now);
    }
    if (!writeFirst) return;
    // The chat sits on the contact the manager started it from: amoCRM's binding stands, whatever the hint says.
    if (await clearRefPending(trx, conversation.id, now)) {
      await setConversationContact(trx, conversation.id, { contactId: null, state: 'crm' }, now);
    }
    const clientId = (request.payload.receiver ?? request.payload.sender).id;
    // Checked first: a unique violation would abort the whole batch's transaction on PostgreSQL.
    if (writeFirst.participant?.clientId === null && !(await findParticipantByClientId(trx, linkId, clientId))) {
      await bindParticipant(trx, writeFirst.participant.id, { clientId }, now);
    }
  };
}
