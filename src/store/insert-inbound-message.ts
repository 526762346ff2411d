import { type Kysely, sql } from 'kysely';
import { MessageStatus } from './messages-repo';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

const query = preparedQuery(
  (id: string, linkId: string, conversationRowId: string, ourMsgid: string, status: number, at: number, at2: number) =>
    sql<{ id: string }>`insert into messages (id, link_id, conversation_row_id, direction, our_msgid, amojo_msg_id,
      status, error_code, created_at, updated_at)
      values (${id}, ${linkId}, ${conversationRowId}, 'in', ${ourMsgid}, null, ${status}, null, ${at}, ${at2})
      on conflict do nothing returning id`,
);

/**
 * recordMessage for a client message (direction `in`, status sent) as one prepared statement, for the bridge
 * accept's hot path (prepared-query.ts). False when a message with this msgid is already recorded for the link:
 * the caller decides whether that is a duplicate or a conflict.
 */
export async function insertInboundMessage(
  db: Kysely<Database>,
  message: { id: string; linkId: string; conversationRowId: string; ourMsgid: string },
  now: number,
): Promise<boolean> {
  const rows = await query(
    db,
    message.id,
    message.linkId,
    message.conversationRowId,
    message.ourMsgid,
    MessageStatus.sent,
    now,
    now,
  );
  return rows.length > 0;
}
