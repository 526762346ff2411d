import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema';

/** Per table, the ids a row can be named by; each is null until known and then unique within the link. */
interface LinkKeys {
  conversations: 'conversationId' | 'amojoChatId';
  participants: 'clientId' | 'amojoUserId';
}

export type LinkKeyedTable = keyof LinkKeys;
export type LinkKey<T extends LinkKeyedTable> = LinkKeys[T];
export type LinkKeyedRow<T extends LinkKeyedTable> = Selectable<Database[T]>;

/** The row of `table` in the link whose `column` is `value`. */
export async function findByLinkAnd<T extends LinkKeyedTable>(
  db: Kysely<Database>,
  table: T,
  linkId: string,
  column: LinkKey<T>,
  value: string,
): Promise<LinkKeyedRow<T> | undefined> {
  // Kysely cannot resolve the columns of a generic table, so the query is typed over both tables; `table` is
  // still exactly one of them at run time, and `column` one of its own, so the row is table T's.
  const key: LinkKey<LinkKeyedTable> = column;
  const row = await db
    .selectFrom<LinkKeyedTable>(table)
    .selectAll()
    .where('linkId', '=', linkId)
    .where(key, '=', value)
    .executeTakeFirst();
  return row as LinkKeyedRow<T> | undefined;
}
