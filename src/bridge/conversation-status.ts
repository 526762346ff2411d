import type { BridgeConversationStatus } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { findConversation } from '../store/conversations-repo';
import type { BridgeLink } from './authenticate-bridge';
import type { BridgeDeps } from './bridge-deps';

/**
 * GET /bridge/v1/conversations/{id}: a conversation of this link by the messenger's id, with amoCRM's chat id and
 * what became of its contact hint. Another link's conversation, or an id the messenger never posted, is 404. A
 * write-first chat the messenger has not answered yet has no id of the messenger's, so it is not found either.
 */
export async function conversationStatus(
  deps: Pick<BridgeDeps, 'db'>,
  link: BridgeLink,
  id: string,
): Promise<BridgeConversationStatus> {
  const row = await findConversation(deps.db, link.id, id);
  if (!row) throw new AppError('not_found', 'No conversation with this id on this link.');
  return {
    id,
    link_id: link.id,
    amojo_chat_id: row.amojoChatId,
    contact: {
      state: row.contactState ?? 'none',
      ...(row.contactId === null ? {} : { id: row.contactId }),
    },
  };
}
