import type { MessageHook } from '../contracts/amojo';
import {
  bindConversation,
  type Conversation,
  ensureConversation,
  ensureConversationByAmojoChat,
  findConversation,
  findConversationByAmojoChatId,
} from '../store/conversations-repo';
import {
  bindParticipant,
  ensureParticipant,
  ensureParticipantByAmojoUser,
  findParticipantByAmojoUserId,
  findParticipantByClientId,
  type Participant,
} from '../store/participants-repo';
import type { RelayDeps } from './relay-deps';

export interface HookState {
  conversation: Conversation;
  participant: Participant | undefined;
}

const blank = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * Our conversation and participant rows for a manager message, made or completed on the way: amojo's chat and user
 * ids join the ids the messenger gave us. A hook without our conversation id is a write-first chat: it is stored
 * as pending {amojo chat id, receiver id, phone, source} with refPending set, until the messenger names it and the
 * client's first reply binds it at amojo. Reads come first, so a busy conversation costs no writes.
 */
export async function rememberHookState(
  deps: Pick<RelayDeps, 'db' | 'now'>,
  linkId: string,
  hook: MessageHook,
): Promise<HookState> {
  const { db } = deps;
  const now = deps.now();
  const { conversation: chat, receiver } = hook.message;
  const conversationId = blank(chat.client_id);
  const clientId = blank(receiver.client_id);
  const phone = blank(receiver.phone) ?? null;

  let participant: Participant | undefined;
  if (clientId !== undefined) {
    participant =
      (await findParticipantByClientId(db, linkId, clientId)) ??
      (await ensureParticipant(db, { linkId, clientId, phone, name: receiver.name ?? null }, now)).participant;
    if (participant.amojoUserId === null) await bindParticipant(db, participant.id, { amojoUserId: receiver.id }, now);
  } else {
    participant =
      (await findParticipantByAmojoUserId(db, linkId, receiver.id)) ??
      (
        await ensureParticipantByAmojoUser(
          db,
          { linkId, amojoUserId: receiver.id, phone, name: receiver.name ?? null },
          now,
        )
      ).participant;
  }

  if (conversationId !== undefined) {
    const conversation =
      (await findConversation(db, linkId, conversationId)) ??
      (await ensureConversation(db, { linkId, conversationId, participantId: participant.id }, now)).conversation;
    if (conversation.amojoChatId === null) await bindConversation(db, conversation.id, { amojoChatId: chat.id }, now);
    return { conversation, participant };
  }
  const conversation =
    (await findConversationByAmojoChatId(db, linkId, chat.id)) ??
    (
      await ensureConversationByAmojoChat(
        db,
        {
          linkId,
          amojoChatId: chat.id,
          refPending: true,
          phone,
          sourceExternalId: blank(hook.message.source?.external_id) ?? null,
          participantId: participant.id,
        },
        now,
      )
    ).conversation;
  return { conversation, participant };
}
