import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

// The queries behind RETENTION_DAYS (prune-expired.ts composes them). Each statement touches at most `limit` rows,
// walking an index in (updated_at, id) order, so no batch holds a lock for long however much has expired. Every
// delete repeats its selection's conditions, so a row that came back to life between the read and the delete stays.

/** Where the previous page of a keyset walk stopped. */
export interface PageAfter {
  updatedAt: number;
  id: string;
}

// A row-value comparison, which SQLite (3.15+) and PostgreSQL both match against the (updated_at, id) index.
const afterClause = (alias: string, after: PageAfter | undefined) =>
  after === undefined
    ? sql<boolean>`1 = 1`
    : sql<boolean>`(${sql.ref(`${alias}.updated_at`)}, ${sql.ref(`${alias}.id`)}) > (${after.updatedAt}, ${after.id})`;

/** Deletes up to `limit` dead jobs that died (or were last touched) before `before`, oldest first. */
export async function pruneDeadJobs(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const result = await sql`
    delete from outbox where id in (
      select id from outbox where status = 'dead' and updated_at < ${before} order by updated_at, id limit ${limit}
    ) and status = 'dead' and updated_at < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Ordering keys of jobs not done (pending, leased or dead): what they name is still needed. A page in id order. */
export async function findHeldOrderingKeys(
  db: Kysely<Database>,
  page: { afterId: number; limit: number },
): Promise<{ id: number; orderingKey: string }[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'orderingKey'])
    .where(sql<boolean>`status <> 'done'`)
    .where('orderingKey', 'is not', null)
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({ id: row.id, orderingKey: row.orderingKey ?? '' }));
}

export interface ExpiredMessage {
  id: string;
  linkId: string;
  updatedAt: number;
  amojoMsgId: string | null;
  conversationRowId: string;
  amojoChatId: string | null;
}

/** Messages last changed (created, or their status moved) before `before`, with their conversation's ids. */
export async function findExpiredMessages(
  db: Kysely<Database>,
  before: number,
  page: { after: PageAfter | undefined; limit: number },
): Promise<ExpiredMessage[]> {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversationRowId')
    .select(['m.id', 'm.linkId', 'm.updatedAt', 'm.amojoMsgId', 'm.conversationRowId', 'c.amojoChatId'])
    .where('m.updatedAt', '<', before)
    .where(afterClause('m', page.after))
    .orderBy('m.updatedAt')
    .orderBy('m.id')
    .limit(page.limit)
    .execute();
}

/** Deletes the messages named, those still unchanged since `before`. */
export async function deleteExpiredMessages(
  db: Kysely<Database>,
  ids: readonly string[],
  before: number,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('messages')
    .where('id', 'in', ids)
    .where('updatedAt', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface IdleConversation {
  id: string;
  linkId: string;
  updatedAt: number;
  amojoChatId: string | null;
}

/**
 * Conversations idle since `before`: unchanged, no client message and no message row left (the messages older than
 * `before` go first, so one left behind is recent or still needed). Idle is the last activity, not the creation.
 */
export async function findIdleConversations(
  db: Kysely<Database>,
  before: number,
  page: { after: PageAfter | undefined; limit: number },
): Promise<IdleConversation[]> {
  return db
    .selectFrom('conversations as c')
    .select(['c.id', 'c.linkId', 'c.updatedAt', 'c.amojoChatId'])
    .where(idle(before))
    .where(afterClause('c', page.after))
    .orderBy('c.updatedAt')
    .orderBy('c.id')
    .limit(page.limit)
    .execute();
}

/** Deletes the conversations named, those still idle since `before`. */
export async function deleteIdleConversations(
  db: Kysely<Database>,
  ids: readonly string[],
  before: number,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('conversations as c')
    .where('c.id', 'in', ids)
    .where(idle(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Spelled in SQL, so the select and the delete share it word for word.
const idle = (before: number) => sql<boolean>`c.updated_at < ${before}
  and (c.last_inbound_at is null or c.last_inbound_at < ${before})
  and not exists (select 1 from messages m where m.conversation_row_id = c.id)`;

/** Deletes up to `limit` participants unchanged since `before` that no conversation names any more. */
export async function pruneIdleParticipants(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const result = await sql`
    delete from participants where id in (
      select p.id from participants p
      where p.updated_at < ${before}
        and not exists (select 1 from conversations c where c.participant_id = p.id)
      order by p.updated_at, p.id limit ${limit}
    ) and updated_at < ${before}
      and not exists (select 1 from conversations c where c.participant_id = participants.id)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
