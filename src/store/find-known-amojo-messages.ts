import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Which of these amojo message ids a link holds as its own messages (sent by us: the client's, or outgoing ones we
 * imported), looked up through the link's unique (link_id, amojo_msg_id) index.
 */
export async function findKnownAmojoMessages(
  db: Kysely<Database>,
  linkId: string,
  amojoMsgIds: readonly string[],
): Promise<Set<string>> {
  if (amojoMsgIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('messages')
    .select('amojoMsgId')
    .where('linkId', '=', linkId)
    .where('amojoMsgId', 'in', [...amojoMsgIds])
    .execute();
  return new Set(rows.flatMap((row) => (row.amojoMsgId === null ? [] : [row.amojoMsgId])));
}
