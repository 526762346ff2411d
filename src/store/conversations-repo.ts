import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type BindResult, bindLinkKey } from './bind-link-key';
import { findByLinkAnd } from './find-by-link-and';
import { insertOrFind } from './insert-or-find';
import type { ContactState, ConversationRow, Database } from './schema';

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
  contactHint: null,
  contactId: null,
  contactState: null,
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

/**
 * Which of an account's links holds the conversation amojo knows as `amojoChatId` (a hook that named no source of
 * ours); undefined when none does. Chat ids are amojo's and unique across its scopes, so at most one link has it;
 * the oldest row wins should two ever do.
 */
export async function findConversationLinkByChat(
  db: Kysely<Database>,
  linkIds: readonly string[],
  amojoChatId: string,
): Promise<string | undefined> {
  if (linkIds.length === 0) return undefined;
  const row = await db
    .selectFrom('conversations')
    .select('linkId')
    .where('linkId', 'in', linkIds)
    .where('amojoChatId', '=', amojoChatId)
    .orderBy('createdAt')
    .orderBy('id')
    .executeTakeFirst();
  return row?.linkId;
}

/**
 * Which other link of the account already holds the messenger's conversation id `conversationId`, live or not;
 * undefined when none does. All of an account's links share one amojo scope, where amojo tells chats apart by
 * `conversation_id` alone, so two numbers using one id would write into one amoCRM chat: the bridge refuses the
 * second before it creates the conversation. Links of other accounts (other scopes) may reuse the id freely.
 */
export async function findConversationIdHolder(
  db: Kysely<Database>,
  accountId: number,
  conversationId: string,
  exceptLinkId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('links', 'links.id', 'conversations.linkId')
    .select('conversations.linkId')
    .where('links.accountId', '=', accountId)
    .where('conversations.conversationId', '=', conversationId)
    .where('conversations.linkId', '!=', exceptLinkId)
    .orderBy('conversations.createdAt')
    .orderBy('conversations.id')
    .executeTakeFirst();
  return row?.linkId;
}

/**
 * Keeps the bridge's contact hint (JSON) on a conversation, the first one only: true when stored, false when the
 * conversation already has a hint or a contact state (its binding is decided or under way).
 */
export async function setConversationContactHint(
  db: Kysely<Database>,
  id: string,
  hintJson: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ contactHint: hintJson, updatedAt: now })
    .where('id', '=', id)
    .where('contactState', 'is', null)
    .where('contactHint', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records how the conversation's contact binding stands; false when there is no such conversation. */
export async function setConversationContact(
  db: Kysely<Database>,
  id: string,
  contact: { contactId: number | null; state: ContactState },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ contactId: contact.contactId, contactState: contact.state, updatedAt: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends a binding still `pending` as `failed` (a binding job that died without saying how it ended); false when the
 * conversation is gone or its binding already ended otherwise, which then stands.
 */
export async function failPendingContact(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ contactState: 'failed', updatedAt: now })
    .where('id', '=', id)
    .where('contactState', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
