import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type BindResult, bindLinkKey } from './bind-link-key';
import { findByLinkAnd } from './find-by-link-and';
import { insertOrFind } from './insert-or-find';
import type { ConversationRow, Database } from './schema';

export type Conversation = ConversationRow;

export interface ConversationInput {
  linkId: string;
  participantId?: string | null;
  phone?: string | null;
  sourceExternalId?: string | null;
}

const blank = (input: ConversationInput, now: number, id: string) => ({
  id,
  linkId: input.linkId,
  conversationId: null,
  amojoChatId: null,
  participantId: input.participantId ?? null,
  phone: input.phone ?? null,
  sourceExternalId: input.sourceExternalId ?? null,
  refPending: 0,
  lastInboundAt: null,
  createdAt: now,
  updatedAt: now,
});

/** The conversation with our id `conversationId`, created on first use. */
export async function ensureConversation(
  db: Kysely<Database>,
  input: ConversationInput & { conversationId: string },
  now: number,
  newId: () => string = randomUUID,
): Promise<{ conversation: Conversation; created: boolean }> {
  const values = blank(input, now, newId());
  const { row, created } = await insertOrFind(db, 'conversations', values, 'conversationId', input.conversationId);
  return { conversation: row, created };
}

/**
 * The conversation amojo knows as `amojoChatId`, created on first use. A write-first chat (a hook without our
 * conversation id) starts here with refPending set, until the messenger's answer binds it.
 */
export async function ensureConversationByAmojoChat(
  db: Kysely<Database>,
  input: ConversationInput & { amojoChatId: string; refPending?: boolean },
  now: number,
  newId: () => string = randomUUID,
): Promise<{ conversation: Conversation; created: boolean }> {
  const values = { ...blank(input, now, newId()), refPending: input.refPending ? 1 : 0 };
  const { row, created } = await insertOrFind(db, 'conversations', values, 'amojoChatId', input.amojoChatId);
  return { conversation: row, created };
}

export async function findConversationById(db: Kysely<Database>, id: string) {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findConversation(db: Kysely<Database>, linkId: string, conversationId: string) {
  return findByLinkAnd(db, 'conversations', linkId, 'conversationId', conversationId);
}

export async function findConversationByAmojoChatId(db: Kysely<Database>, linkId: string, amojoChatId: string) {
  return findByLinkAnd(db, 'conversations', linkId, 'amojoChatId', amojoChatId);
}

/** The newest write-first chat for a phone (and source) that the messenger has not bound yet. */
export async function findUnboundByPhone(
  db: Kysely<Database>,
  linkId: string,
  phone: string,
  sourceExternalId: string | null = null,
) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('phone', '=', phone)
    .where('sourceExternalId', sourceExternalId === null ? 'is' : '=', sourceExternalId)
    .where('conversationId', 'is', null)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export type { BindResult };

/**
 * Gives a conversation the id it lacks (ours for a write-first chat, amojo's once create-chat or a hook names
 * it). An id already set is never replaced ('already_bound' when it differs); an id owned by another
 * conversation of the link is a 'conflict'.
 */
export async function bindConversation(
  db: Kysely<Database>,
  id: string,
  ids: { conversationId: string } | { amojoChatId: string },
  now: number,
): Promise<BindResult> {
  const column = 'conversationId' in ids ? 'conversationId' : 'amojoChatId';
  const value = 'conversationId' in ids ? ids.conversationId : ids.amojoChatId;
  return bindLinkKey(db, 'conversations', id, column, value, now);
}

/**
 * Ends the write-first binding: true exactly once, for the caller whose client message carried
 * `conversation_ref_id` and was accepted by amojo.
 */
export async function clearRefPending(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ refPending: 0, updatedAt: now })
    .where('id', '=', id)
    .where('refPending', '=', 1)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a client message time for the time window; an older time never moves it back. */
export async function touchInbound(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ lastInboundAt: at, updatedAt: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lastInboundAt', 'is', null), eb('lastInboundAt', '<', at)]))
    .execute();
}
