import { type Kysely, sql } from 'kysely';
import type { Conversation } from './conversations-repo';
import { preparedQuery } from './prepared-query';
import type { Database } from './schema';

const query = preparedQuery(
  (linkId: string, conversationId: string) =>
    sql<Conversation>`select * from conversations where link_id = ${linkId} and conversation_id = ${conversationId}`,
);

/** findConversation as one prepared statement, for the bridge accept's hot path (prepared-query.ts). */
export async function selectConversation(
  db: Kysely<Database>,
  linkId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  return (await query(db, linkId, conversationId))[0];
}
