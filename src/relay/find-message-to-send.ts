import type { Kysely } from 'kysely';
import type { ConversationRow, Database, MessageRow } from '../store/schema';

export type ConversationToBind = Pick<
  ConversationRow,
  'id' | 'conversationId' | 'amojoChatId' | 'participantId' | 'refPending'
>;

export interface MessageToSend {
  message: Pick<MessageRow, 'id' | 'direction' | 'amojoMsgId'>;
  conversation: ConversationToBind | undefined;
}

/** A client message by our row id, with what its conversation still owes amojo, in one query. */
export async function findMessageToSend(
  db: Kysely<Database>,
  messageRowId: string,
): Promise<MessageToSend | undefined> {
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
    },
  };
}
