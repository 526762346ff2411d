import type { Kysely } from 'kysely';
import { AppError } from '../http/app-error';
import {
  bindConversation,
  type Conversation,
  ensureConversation,
  findConversationById,
  findConversationIdHolder,
  findUnboundByPhone,
} from '../store/conversations-repo';
import { bindParticipant, ensureParticipant } from '../store/participants-repo';
import type { BridgeAcceptSqlite } from '../store/prepare-bridge-accept-sqlite';
import type { Database } from '../store/schema';
import { selectConversation } from '../store/select-conversation';

export interface ConversationParty {
  linkId: string;
  /** The link's account: its other numbers' conversation ids are off limits (see conversationIdTaken). */
  accountId: number;
  conversationId: string;
  /** The client's number, from `conversation.phone`: binds a write-first chat the messenger has not named. */
  phone?: string | undefined;
  source?: string | undefined;
  client: { id: string; name: string; phone?: string | undefined };
}

/** The ways one number may have been written down: as sent, digits only, and with a leading plus. */
function phoneVariants(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  return [...new Set([phone, digits, `+${digits}`].filter((p) => p.replace(/\D/g, '') !== ''))];
}

async function findWriteFirst(trx: Kysely<Database>, party: ConversationParty): Promise<Conversation | undefined> {
  if (party.phone === undefined) return undefined;
  const sources = party.source === undefined ? [null] : [party.source, null];
  for (const source of sources) {
    for (const phone of phoneVariants(party.phone)) {
      const found = await findUnboundByPhone(trx, party.linkId, phone, source);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * All of an account's numbers share its one amojo scope, and amojo names a chat by `conversation_id` within the
 * scope: a second number starting a conversation under an id the first already uses would write into the first
 * one's amoCRM chat. Refused rather than renamed, so the id the messenger sees in our events stays its own.
 */
const conversationIdTaken = () =>
  new AppError(
    'conversation_id_taken',
    "Another number of this amoCRM account already uses this conversation id; conversation ids must be unique across all of the account's numbers (prefix them with your number).",
    { issues: [{ path: 'conversation.id', message: 'used by another number of this account' }] },
  );

/**
 * The conversation a client message belongs to, created on first use. A message naming a new conversation with
 * the phone of a write-first chat (a manager wrote first) names that chat instead; its `refPending` flag stays set,
 * so the relay adds `conversation_ref_id` and `sender.ref_id` when it sends the message to amojo. `created`: this
 * call made the conversation (a contact hint then binds it before its first message, queue-contact-bind-first.ts).
 * A conversation id new to this link that another link of the account holds is a 409 conversation_id_taken,
 * checked only here, where a conversation would get the id, in the caller's transaction (so nothing is written).
 * `sqlite` runs the statements a new conversation takes on the raw handle (prepare-bridge-accept-sqlite.ts); the
 * write-first binding, rare, stays with the query builder.
 */
export async function ensureBridgeConversation(
  trx: Kysely<Database>,
  party: ConversationParty,
  now: number,
  newId: () => string,
  sqlite?: BridgeAcceptSqlite,
): Promise<{ conversation: Conversation; created: boolean }> {
  const known = sqlite
    ? sqlite.selectConversation(party.linkId, party.conversationId)
    : await selectConversation(trx, party.linkId, party.conversationId);
  if (known) return { conversation: known, created: false };
  // Before the write-first binding too: it gives an existing chat the id, which amojo then ties to that chat.
  const holder = sqlite
    ? sqlite.findConversationIdHolder(party.accountId, party.conversationId, party.linkId)
    : await findConversationIdHolder(trx, party.accountId, party.conversationId, party.linkId);
  if (holder !== undefined) throw conversationIdTaken();
  const pending = await findWriteFirst(trx, party);
  if (pending) {
    const bound = await bindConversation(trx, pending.id, { conversationId: party.conversationId }, now);
    if (bound === 'bound') {
      if (pending.participantId !== null) {
        await bindParticipant(trx, pending.participantId, { clientId: party.client.id }, now);
      }
      const conversation = await findConversationById(trx, pending.id);
      if (conversation) return { conversation, created: false };
    }
  }
  const participant = { linkId: party.linkId, clientId: party.client.id, name: party.client.name };
  const phone = party.client.phone ?? null;
  const participantId = sqlite
    ? sqlite.ensureParticipant({ ...participant, id: newId(), phone }, now)
    : (await ensureParticipant(trx, { ...participant, phone }, now, newId)).participant.id;
  const conversation = { linkId: party.linkId, conversationId: party.conversationId, participantId };
  return sqlite
    ? sqlite.ensureConversation({ ...conversation, id: newId() }, now)
    : ensureConversation(trx, conversation, now, newId);
}
