import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ConversationRow, Database, MessageDirection, MessageRow } from './schema';

/** amojo delivery status codes; "sent" has no code at amojo and is our starting point. */
export const MessageStatus = { sent: 0, delivered: 1, read: 2, error: -1 } as const;
export type MessageStatusCode = (typeof MessageStatus)[keyof typeof MessageStatus];

/**
 * Statuses only move forward, in this order: sent < error < delivered < read. An error never overrides a
 * delivery or read receipt (the client has the message), while a later receipt does override an error, because
 * positive evidence beats a failure report and the manager should see the truth. A repeated or equal status is
 * no change, so the first error code stands.
 */
export function statusRank(status: MessageStatusCode): number {
  return status === MessageStatus.error ? 1 : status === MessageStatus.sent ? 0 : status + 1;
}

const storedRank = sql<number>`case status when 0 then 0 when -1 then 1 when 1 then 2 when 2 then 3 end`;

export interface NewMessage {
  linkId: string;
  conversationRowId: string;
  direction: MessageDirection;
  ourMsgid?: string | null;
  amojoMsgId?: string | null;
}

/**
 * Records a message once per (link, our msgid) and (link, amojo msg id); a second record of the same message
 * returns the first one.
 */
export async function recordMessage(
  db: Kysely<Database>,
  message: NewMessage,
  now: number,
  newId: () => string = randomUUID,
): Promise<{ message: MessageRow; created: boolean }> {
  const ourMsgid = message.ourMsgid ?? null;
  const amojoMsgId = message.amojoMsgId ?? null;
  const inserted = await db
    .insertInto('messages')
    .values({
      id: newId(),
      linkId: message.linkId,
      conversationRowId: message.conversationRowId,
      direction: message.direction,
      ourMsgid,
      amojoMsgId,
      status: MessageStatus.sent,
      errorCode: null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { message: inserted, created: true };
  const existing =
    (ourMsgid === null ? undefined : await findMessageByOurId(db, message.linkId, ourMsgid)) ??
    (amojoMsgId === null ? undefined : await findMessageByAmojoId(db, message.linkId, amojoMsgId));
  if (!existing) throw new Error('message conflicted on insert but no matching row was found');
  return { message: existing, created: false };
}

export async function findMessageByAmojoId(db: Kysely<Database>, linkId: string, amojoMsgId: string) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('amojoMsgId', '=', amojoMsgId)
    .executeTakeFirst();
}

export async function findMessageByOurId(db: Kysely<Database>, linkId: string, ourMsgid: string) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('ourMsgid', '=', ourMsgid)
    .executeTakeFirst();
}

/** Our msgids of a link's messages with these amojo ids (one query), by amojo id; messages without one are left out. */
export async function findOurMsgids(
  db: Kysely<Database>,
  linkId: string,
  amojoMsgIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (amojoMsgIds.length === 0) return found;
  const rows = await db
    .selectFrom('messages')
    .select(['amojoMsgId', 'ourMsgid'])
    .where('linkId', '=', linkId)
    .where('amojoMsgId', 'in', amojoMsgIds)
    .execute();
  for (const row of rows) if (row.amojoMsgId !== null && row.ourMsgid !== null) found.set(row.amojoMsgId, row.ourMsgid);
  return found;
}

export type ConversationToBind = Pick<
  ConversationRow,
  'id' | 'conversationId' | 'amojoChatId' | 'participantId' | 'refPending'
>;

export interface MessageToSend {
  message: Pick<MessageRow, 'id' | 'direction' | 'amojoMsgId'>;
  conversation: ConversationToBind | undefined;
}

/** Fills in the amojo id once amojo answers (new_message returns it); an id already set is never replaced. */
export async function setAmojoMsgId(db: Kysely<Database>, id: string, amojoMsgId: string, now: number) {
  const result = await db
    .updateTable('messages')
    .set({ amojoMsgId, updatedAt: now })
    .where('id', '=', id)
    .where('amojoMsgId', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Fills in our id once the messenger names its copy of an outbound message; never replaces one. */
export async function setOurMsgid(db: Kysely<Database>, id: string, ourMsgid: string, now: number) {
  const result = await db
    .updateTable('messages')
    .set({ ourMsgid, updatedAt: now })
    .where('id', '=', id)
    .where('ourMsgid', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Moves a message's status forward (see statusRank). Returns true only when the status changed, which is when a
 * status report should be passed on; the comparison happens inside the UPDATE, so racing reports cannot regress.
 */
export async function advanceMessageStatus(
  db: Kysely<Database>,
  id: string,
  update: { status: MessageStatusCode; errorCode?: number | null; now: number },
): Promise<boolean> {
  const isError = update.status === MessageStatus.error;
  const result = await db
    .updateTable('messages')
    .set({ status: update.status, errorCode: isError ? (update.errorCode ?? null) : null, updatedAt: update.now })
    .where('id', '=', id)
    .where(storedRank, '<', statusRank(update.status))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
