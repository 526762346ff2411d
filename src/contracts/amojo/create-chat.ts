import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';
import { participant } from './participant';
import { source } from './source';

/** Body of POST /v2/origin/custom/{scope_id}/chats; idempotent per `conversation_id` (ours). */
export const createChatRequest = z.strictObject({
  conversation_id: nonEmptyString,
  source: z.exactOptional(source),
  user: participant,
});

const optionalString = z.exactOptional(z.string());

/**
 * `id` is amojo's chat id (for history, `conversation_ref_id` and v4 contacts/chats); `user.id` is amojo's participant
 * id and `user.client_id` ours. The reference example returns phone/email flat, the step-by-step one nests them in
 * `profile`: both are accepted.
 */
export const createChatResponse = z.looseObject({
  id: nonEmptyString,
  user: z.looseObject({
    id: nonEmptyString,
    client_id: optionalString,
    name: optionalString,
    avatar: optionalString,
    phone: optionalString,
    email: optionalString,
    profile: z.exactOptional(z.looseObject({ phone: optionalString, email: optionalString })),
  }),
});
