import { isPhoneNumber, phoneNumberMessage } from '../../contracts/phone-number';
import type { ApiResponse } from './api-response';
import type { EmulatorStore } from './emulator-store';
import type { ParticipantRecord } from './emulator-types';
import { badField } from './error-responses';

/** Structural view of contracts' `participant` (sender / receiver / create-chat user). */
export interface ParticipantInput {
  readonly id: string;
  readonly ref_id?: string;
  readonly name: string;
  readonly avatar?: string;
  readonly profile?: { readonly phone?: string; readonly email?: string };
  readonly profile_link?: string;
}

export type Resolved<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly response: ApiResponse };

/** What committing a resolved client will do; nothing is stored until the whole request has been validated. */
export interface ClientPlan {
  readonly participant: ParticipantRecord;
  readonly isNew: boolean;
  /** Set when the request binds our user id to an amojo participant created without one (write-first). */
  readonly bindClientId?: string;
}

const fail = (path: string, message: string): Resolved<never> => ({
  ok: false,
  response: badField(path, message),
});

/**
 * The client side of a message or chat: found by our id, bound through `ref_id` (amojo id of a write-first
 * receiver), or new. Conflicting bindings are refused instead of silently merged. A `profile.phone` that is no phone
 * number (letters, too few digits) is refused: amoCRM finds the contact by it, and amojo's own examples only ever
 * send E.164 digits (the stricter reading; the docs name no rule).
 */
export function resolveClient(
  store: EmulatorStore,
  scopeId: string,
  user: ParticipantInput,
  path: string,
  newId: () => string,
): Resolved<ClientPlan> {
  const phone = user.profile?.phone;
  if (phone !== undefined && !isPhoneNumber(phone)) return fail(`${path}.profile.phone`, phoneNumberMessage);
  const byClientId = store.findClient(scopeId, user.id);
  if (user.ref_id !== undefined) {
    const byRef = store.findParticipantInScope(scopeId, user.ref_id);
    if (!byRef) return fail(`${path}.ref_id`, `no participant ${user.ref_id} in this scope`);
    if (byRef.kind !== 'client') return fail(`${path}.ref_id`, `${user.ref_id} is an amoCRM user, not a client`);
    if (byRef.clientId !== undefined && byRef.clientId !== user.id) {
      return fail(`${path}.ref_id`, `participant ${user.ref_id} is already bound to id "${byRef.clientId}"`);
    }
    if (byClientId && byClientId !== byRef) {
      return fail(`${path}.id`, `id "${user.id}" already belongs to participant ${byClientId.id}`);
    }
    return {
      ok: true,
      value: { participant: byRef, isNew: false, ...(byRef.clientId === undefined ? { bindClientId: user.id } : {}) },
    };
  }
  if (byClientId) return { ok: true, value: { participant: byClientId, isNew: false } };
  const participant: ParticipantRecord = {
    id: newId(),
    kind: 'client',
    scopeId,
    clientId: user.id,
    name: user.name,
    ...(user.avatar === undefined ? {} : { avatar: user.avatar }),
    ...(user.profile?.phone === undefined ? {} : { phone: user.profile.phone }),
    ...(user.profile?.email === undefined ? {} : { email: user.profile.email }),
    ...(user.profile_link === undefined ? {} : { profileLink: user.profile_link }),
  };
  return { ok: true, value: { participant, isNew: true } };
}

export function commitClient(store: EmulatorStore, plan: ClientPlan): ParticipantRecord {
  if (plan.isNew) store.addParticipant(plan.participant);
  if (plan.bindClientId !== undefined) store.bindClientId(plan.participant, plan.bindClientId);
  return plan.participant;
}

/**
 * The author of an outgoing (imported) message: amojo must know who wrote it, so `sender.ref_id` has to name an
 * amoCRM user or the channel bot (chat-api-reference, "Отправка, редактирование или импорт").
 */
export function resolveAmoUser(
  store: EmulatorStore,
  scopeId: string,
  sender: ParticipantInput,
  path: string,
): Resolved<ParticipantRecord> {
  if (sender.ref_id === undefined) {
    return fail(
      `${path}.ref_id`,
      'required when payload.receiver is set: the amojo id of the amoCRM user or of the channel bot',
    );
  }
  const user = store.findParticipantInScope(scopeId, sender.ref_id);
  if (!user || user.kind === 'client') return fail(`${path}.ref_id`, `no amoCRM user or bot ${sender.ref_id}`);
  return { ok: true, value: user };
}
