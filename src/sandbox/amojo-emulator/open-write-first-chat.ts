import type { z } from 'zod/mini';
import { ControlError } from './control-error';
import type { writeFirstInput } from './control-schemas';
import type { EmulatorContext } from './emulator-context';
import type { ChatRecord } from './emulator-types';

/**
 * The chat amojo creates when a manager picks our channel on a contact's phone: no conversation_id and a client
 * with only a phone until the integration binds both (conversation_ref_id + sender.ref_id). A second start for the
 * same phone and source reuses the still-unbound chat.
 */
export function openWriteFirstChat(ctx: EmulatorContext, input: z.output<typeof writeFirstInput>): ChatRecord {
  const { store } = ctx;
  const connection = store.connectedScope(input.scopeId);
  if (!connection) throw new ControlError(404, `scope ${input.scopeId} is not connected`);
  for (const chat of store.chats.values()) {
    if (chat.scopeId !== input.scopeId || chat.origin !== 'write_first' || chat.conversationId !== undefined) continue;
    const client = store.participants.get(chat.clientParticipantId);
    if (client?.phone === input.phone && chat.sourceExternalId === input.sourceExternalId) return chat;
  }
  const client = store.addParticipant({
    id: ctx.newId(),
    kind: 'client',
    scopeId: input.scopeId,
    name: input.name ?? input.phone,
    phone: input.phone,
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
