import type { Kysely } from 'kysely';
import type { ConversationToBind, MessageToSend } from './messages-repo';
import type { ConversationRow, Database } from './schema';

export type ConversationToRelay = ConversationToBind & Pick<ConversationRow, 'contactHint' | 'contactState'>;

export interface MessageToRelay extends MessageToSend {
  conversation: ConversationToRelay | undefined;
}

/**
 * A client message by our row id, with what its conversation still owes amojo and its contact-hint state, in one
 * query: what the relay's new_message job reads before it sends (reading the conversation again to see whether a hint
 * is still to be bound cost a round trip per relayed message).
 */
export async function findMessageToRelay(
  db: Kysely<Database>,
  messageRowId: string,
): Promise<MessageToRelay | undefined> {
  const row = await db
    .selectFrom('messages')
    .leftJoin('conversations', 'conversations.id', 'messages.conversationRowId')
    .select([
      'messages.id',
      'messages.direction',
      'messages.amojoMsgId',
      'conversations.id as conversationRowId',
      'conversations.conversationId',
      'conversations.amojoChatId',
      'conversations.participantId',
      'conversations.refPending',
      'conversations.contactHint',
      'conversations.contactState',
    ])
    .where('messages.id', '=', messageRowId)
    .executeTakeFirst();
  if (!row) return undefined;
  const message = { id: row.id, direction: row.direction, amojoMsgId: row.amojoMsgId };
  if (row.conversationRowId === null) return { message, conversation: undefined };
  return {
    message,
    conversation: {
      id: row.conversationRowId,
      conversationId: row.conversationId,
      amojoChatId: row.amojoChatId,
      participantId: row.participantId,
      refPending: row.refPending ?? 0,
      contactHint: row.contactHint,
      contactState: row.contactState,
    },
  };
}
