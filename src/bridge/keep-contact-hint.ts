import type { Kysely } from 'kysely';
import type { BridgeContactHint } from '../contracts/bridge';
import { type Conversation, setConversationContactHint } from '../store/conversations-repo';
import type { Database } from '../store/schema';

/**
 * Stores a request's contact hint on its conversation, the first one only: the relay binds the chat once, so a
 * later hint could only contradict what is (or is about to be) bound. A write-first chat gets none: a manager
 * started it on an amoCRM contact, and that binding stands (handle-new-message.ts marks it `crm`). True when kept.
 */
export async function keepContactHint(
  trx: Kysely<Database>,
  conversation: Conversation,
  hint: BridgeContactHint,
  now: number,
): Promise<boolean> {
  if (conversation.contactHint !== null || conversation.contactState !== null || conversation.refPending === 1) {
    return false;
  }
  return setConversationContactHint(trx, conversation.id, JSON.stringify(hint), now);
}
