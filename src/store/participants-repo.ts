import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { bindLinkKey } from './bind-link-key';
import { findByLinkAnd } from './find-by-link-and';
import { insertOrFind } from './insert-or-find';
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
  const values = blank(input, now, newId());
  const { row, created } = await insertOrFind(db, 'participants', values, 'clientId', input.clientId);
  return { participant: row, created };
}

/** The participant amojo knows as `amojoUserId` (a write-first receiver), created on first use. */
export async function ensureParticipantByAmojoUser(
  db: Kysely<Database>,
  input: ParticipantInput & { amojoUserId: string },
  now: number,
  newId: () => string = randomUUID,
): Promise<{ participant: Participant; created: boolean }> {
  const values = blank(input, now, newId());
  const { row, created } = await insertOrFind(db, 'participants', values, 'amojoUserId', input.amojoUserId);
  return { participant: row, created };
}

export async function findParticipantById(db: Kysely<Database>, id: string) {
  return db.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findParticipantByClientId(db: Kysely<Database>, linkId: string, clientId: string) {
  return findByLinkAnd(db, 'participants', linkId, 'clientId', clientId);
}

export async function findParticipantByAmojoUserId(db: Kysely<Database>, linkId: string, amojoUserId: string) {
  return findByLinkAnd(db, 'participants', linkId, 'amojoUserId', amojoUserId);
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
  return bindLinkKey(db, 'participants', id, column, value, now);
}
