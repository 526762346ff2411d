import type { Kysely } from 'kysely';
import type { NewMessageRequest } from '../contracts/amojo';
import { contactBindJob } from '../jobs/amocrm-jobs';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { setConversationContact } from '../store/conversations-repo';
import { enqueue } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import { chatOpeningOf } from './chat-opening-of';

/**
 * Queues the binding of a conversation this request created, ahead of its first message (call it before that
 * message's job is queued, in the same transaction): on the conversation's ordering key, the message waits for it,
 * so amoCRM meets the chat already on the client's contact instead of opening an unsorted lead for a stranger
 * (crm-rest.md §5.3: create the chat, bind it, then send). The binding opens the chat itself, as `message` would.
 * The `pending` state set here also tells the relay not to queue a binding after the message.
 */
export async function queueContactBindFirst(
  trx: Kysely<Database>,
  linkId: string,
  conversationRowId: string,
  message: NewMessageRequest,
  now: number,
): Promise<void> {
  await setConversationContact(trx, conversationRowId, { contactId: null, state: 'pending' }, now);
  // The key the conversation's message jobs use (accept-message.ts): ours for the conversation, its row id.
  const orderingKey = conversationOrderingKey(linkId, conversationRowId);
  await enqueue(trx, contactBindJob(linkId, conversationRowId, { orderingKey, chat: chatOpeningOf(message) }), now);
}
