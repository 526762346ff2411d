import type { Kysely } from 'kysely';
import {
  bindConversation,
  type Conversation,
  ensureConversation,
  findConversation,
  findConversationById,
  findUnboundByPhone,
} from '../store/conversations-repo';
import { bindParticipant, ensureParticipant } from '../store/participants-repo';
import type { Database } from '../store/schema';

export interface ConversationParty {
  linkId: string;
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
 * The conversation a client message belongs to, created on first use. A message naming a new conversation with
 * the phone of a write-first chat (a manager wrote first) names that chat instead; its `refPending` flag stays set,
 * so the relay adds `conversation_ref_id` and `sender.ref_id` when it sends the message to amojo.
 */
export async function ensureBridgeConversation(
  trx: Kysely<Database>,
  party: ConversationParty,
  now: number,
  newId: () => string,
): Promise<Conversation> {
  const known = await findConversation(trx, party.linkId, party.conversationId);
  if (known) return known;
  const pending = await findWriteFirst(trx, party);
  if (pending) {
    const bound = await bindConversation(trx, pending.id, { conversationId: party.conversationId }, now);
    if (bound === 'bound') {
      if (pending.participantId !== null) {
        await bindParticipant(trx, pending.participantId, { clientId: party.client.id }, now);
      }
      const conversation = await findConversationById(trx, pending.id);
      if (conversation) return conversation;
    }
  }
  const { participant } = await ensureParticipant(
    trx,
    { linkId: party.linkId, clientId: party.client.id, name: party.client.name, phone: party.client.phone ?? null },
    now,
    newId,
  );
  const { conversation } = await ensureConversation(
    trx,
    { linkId: party.linkId, conversationId: party.conversationId, participantId: participant.id },
    now,
    newId,
  );
  return conversation;
}
