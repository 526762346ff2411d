import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

export interface RecentChat {
  conversationRowId: string;
  linkId: string;
}

/**
 * Conversations of live links (linked, not parked) active since `since` whose chat exists at amojo, most recent
 * first, at most `limit`. A chat exists there once amojo named it (a hook, a contact binding) or once one of our
 * messages reached it: a client who wrote first and whose first reply was missed has only the latter, and amojo's
 * create-chat gives its id back (recover-history.ts). Activity is the conversation's `updated_at`, which every client
 * message moves (touchInbound) and which a write-first chat starts with; the walk goes backwards through
 * `conversations_updated_at_index` and stops after `limit` matches (the message probe uses
 * `messages_conversation_index`), so a sweep costs its own rows, not the table.
 */
export async function listRecentChats(db: Kysely<Database>, since: number, limit: number): Promise<RecentChat[]> {
  return db
    .selectFrom('conversations')
    .innerJoin('links', 'links.id', 'conversations.linkId')
    .select(['conversations.id as conversationRowId', 'conversations.linkId as linkId'])
    .where('conversations.updatedAt', '>=', since)
    .where((eb) =>
      eb.or([
        eb('conversations.amojoChatId', 'is not', null),
        eb.and([
          eb('conversations.conversationId', 'is not', null),
          sql<boolean>`exists (select 1 from messages m where m.conversation_row_id = conversations.id
            and m.amojo_msg_id is not null)`,
        ]),
      ]),
    )
    .where('links.scopeId', 'is not', null)
    .where('links.unlinkedAt', 'is', null)
    .where('links.parkedAt', 'is', null)
    .orderBy('conversations.updatedAt', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(limit)
    .execute();
}
