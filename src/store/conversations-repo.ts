import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './is-unique-violation';
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
  const inserted = await db
    .insertInto('conversations')
    .values({ ...blank(input, now, newId()), conversationId: input.conversationId })
    .onConflict((oc) => oc.columns(['linkId', 'conversationId']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { conversation: inserted, created: true };
  const existing = await findConversation(db, input.linkId, input.conversationId);
  if (!existing) throw new Error('conversation conflicted on insert but was not found');
  return { conversation: existing, created: false };
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
  const inserted = await db
    .insertInto('conversations')
    .values({ ...blank(input, now, newId()), amojoChatId: input.amojoChatId, refPending: input.refPending ? 1 : 0 })
    .onConflict((oc) => oc.columns(['linkId', 'amojoChatId']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { conversation: inserted, created: true };
  const existing = await findConversationByAmojoChatId(db, input.linkId, input.amojoChatId);
  if (!existing) throw new Error('conversation conflicted on insert but was not found');
  return { conversation: existing, created: false };
}

export async function findConversationById(db: Kysely<Database>, id: string) {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findConversation(db: Kysely<Database>, linkId: string, conversationId: string) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('conversationId', '=', conversationId)
    .executeTakeFirst();
}

export async function findConversationByAmojoChatId(db: Kysely<Database>, linkId: string, amojoChatId: string) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('amojoChatId', '=', amojoChatId)
    .executeTakeFirst();
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

export type BindResult = 'bound' | 'already_bound' | 'conflict' | 'not_found';

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
  try {
    const result = await db
      .updateTable('conversations')
      .set({ [column]: value, updatedAt: now })
      .where('id', '=', id)
      .where(column, 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'bound';
  } catch (error) {
    if (isUniqueViolation(error)) return 'conflict';
    throw error;
  }
  const current = await findConversationById(db, id);
  if (!current) return 'not_found';
  return current[column] === value ? 'bound' : 'already_bound';
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
