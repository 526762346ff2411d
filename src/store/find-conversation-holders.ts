import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * The links, among `linkIds`, that hold a conversation with our id `conversationId`: at most two, which is enough
 * to tell a single holder from several (messengers choose these ids, so two numbers may well share one).
 */
export async function findConversationHolders(
  db: Kysely<Database>,
  linkIds: readonly string[],
  conversationId: string,
): Promise<string[]> {
  if (linkIds.length === 0) return [];
  const rows = await db
    .selectFrom('conversations')
    .select('linkId')
    .where('linkId', 'in', linkIds)
    .where('conversationId', '=', conversationId)
    .limit(2)
    .execute();
  return rows.map((row) => row.linkId);
}
