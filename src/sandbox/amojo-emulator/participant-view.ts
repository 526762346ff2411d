import type { ParticipantRecord } from './emulator-types';

/** A participant as create-chat answers it: avatar always present ("" when none), phone/email only when known. */
export function createChatUserView(participant: ParticipantRecord): Record<string, unknown> {
  return {
    id: participant.id,
    ...(participant.clientId === undefined ? {} : { client_id: participant.clientId }),
    name: participant.name,
    avatar: participant.avatar ?? '',
    ...(participant.phone === undefined ? {} : { phone: participant.phone }),
    ...(participant.email === undefined ? {} : { email: participant.email }),
  };
}

/** A participant as history answers it: empty values are left out. */
export function historyUserView(participant: ParticipantRecord): Record<string, unknown> {
  return {
    id: participant.id,
    ...(participant.clientId === undefined ? {} : { client_id: participant.clientId }),
    ...(participant.avatar === undefined ? {} : { avatar: participant.avatar }),
    name: participant.name,
    ...(participant.phone === undefined ? {} : { phone: participant.phone }),
    ...(participant.email === undefined ? {} : { email: participant.email }),
  };
}
