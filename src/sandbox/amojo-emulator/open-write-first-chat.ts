import type { z } from 'zod/mini';
import { samePhoneNumber } from '../../contracts/phone-number';
import { ControlError } from '../control-api/control-error';
import type { writeFirstInput } from './control-schemas';
import type { EmulatorContext } from './emulator-context';
import type { ChatRecord } from './emulator-types';

/**
 * The chat amojo creates when a manager picks our channel on a contact's phone: no conversation_id and a client
 * with only a phone (and the name the manager gave the contact) until the integration binds both
 * (conversation_ref_id + sender.ref_id). A second start for the same number and source reuses the still-unbound chat,
 * however the number was written: `+7 916 123-45-67` and `79161234567` are one contact's phone.
 */
export function openWriteFirstChat(ctx: EmulatorContext, input: z.output<typeof writeFirstInput>): ChatRecord {
  const { store } = ctx;
  const connection = store.connectedScope(input.scopeId);
  if (!connection) throw new ControlError(404, `scope ${input.scopeId} is not connected`);
  const phone = input.phone.trim();
  for (const chat of store.chats.values()) {
    if (chat.scopeId !== input.scopeId || chat.origin !== 'write_first' || chat.conversationId !== undefined) continue;
    const client = store.participants.get(chat.clientParticipantId);
    if (client?.phone === undefined || !samePhoneNumber(client.phone, phone)) continue;
    if (chat.sourceExternalId !== input.sourceExternalId) continue;
    // the manager may name the contact on the second try; the newest name is the one amoCRM would show
    if (input.name !== undefined) client.name = input.name.trim();
    return chat;
  }
  const client = store.addParticipant({
    id: ctx.newId(),
    kind: 'client',
    scopeId: input.scopeId,
    name: input.name?.trim() ?? phone,
    phone,
  });
  return store.addChat({
    id: ctx.newId(),
    scopeId: input.scopeId,
    ...(input.sourceExternalId === undefined ? {} : { sourceExternalId: input.sourceExternalId }),
    clientParticipantId: client.id,
    origin: 'write_first',
    createdAt: ctx.now().getTime(),
  });
}
