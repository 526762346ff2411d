import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './is-unique-violation';
import type { Database, ParticipantRow } from './schema';

export type Participant = ParticipantRow;

export interface ParticipantInput {
  linkId: string;
  name?: string | null;
  phone?: string | null;
}

const blank = (input: ParticipantInput, now: number, id: string) => ({
  id,
  linkId: input.linkId,
  clientId: null,
  amojoUserId: null,
  name: input.name ?? null,
  phone: input.phone ?? null,
  createdAt: now,
  updatedAt: now,
});

/** The participant with our client id, created on first use. */
export async function ensureParticipant(
  db: Kysely<Database>,
  input: ParticipantInput & { clientId: string },
  now: number,
  newId: () => string = randomUUID,
): Promise<{ participant: Participant; created: boolean }> {
  const inserted = await db
    .insertInto('participants')
    .values({ ...blank(input, now, newId()), clientId: input.clientId })
    .onConflict((oc) => oc.columns(['linkId', 'clientId']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { participant: inserted, created: true };
  const existing = await findParticipantByClientId(db, input.linkId, input.clientId);
  if (!existing) throw new Error('participant conflicted on insert but was not found');
  return { participant: existing, created: false };
}

/** The participant amojo knows as `amojoUserId` (a write-first receiver), created on first use. */
export async function ensureParticipantByAmojoUser(
  db: Kysely<Database>,
  input: ParticipantInput & { amojoUserId: string },
  now: number,
  newId: () => string = randomUUID,
): Promise<{ participant: Participant; created: boolean }> {
  const inserted = await db
    .insertInto('participants')
    .values({ ...blank(input, now, newId()), amojoUserId: input.amojoUserId })
    .onConflict((oc) => oc.columns(['linkId', 'amojoUserId']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { participant: inserted, created: true };
  const existing = await findParticipantByAmojoUserId(db, input.linkId, input.amojoUserId);
  if (!existing) throw new Error('participant conflicted on insert but was not found');
  return { participant: existing, created: false };
}

export async function findParticipantById(db: Kysely<Database>, id: string) {
  return db.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findParticipantByClientId(db: Kysely<Database>, linkId: string, clientId: string) {
  return db
    .selectFrom('participants')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('clientId', '=', clientId)
    .executeTakeFirst();
}

export async function findParticipantByAmojoUserId(db: Kysely<Database>, linkId: string, amojoUserId: string) {
  return db
    .selectFrom('participants')
    .selectAll()
    .where('linkId', '=', linkId)
    .where('amojoUserId', '=', amojoUserId)
    .executeTakeFirst();
}

/**
 * Gives a participant the id it lacks; never replaces one. 'conflict' when another participant of the link
 * already holds that id.
 */
export async function bindParticipant(
  db: Kysely<Database>,
  id: string,
  ids: { clientId: string } | { amojoUserId: string },
  now: number,
): Promise<'bound' | 'already_bound' | 'conflict' | 'not_found'> {
  const column = 'clientId' in ids ? 'clientId' : 'amojoUserId';
  const value = 'clientId' in ids ? ids.clientId : ids.amojoUserId;
  try {
    const result = await db
      .updateTable('participants')
      .set({ [column]: value, updatedAt: now })
      .where('id', '=', id)
      .where(column, 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'bound';
  } catch (error) {
    if (isUniqueViolation(error)) return 'conflict';
    throw error;
  }
  const current = await findParticipantById(db, id);
  if (!current) return 'not_found';
  return current[column] === value ? 'bound' : 'already_bound';
}
