import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

export const participantProfile = z.strictObject({
  phone: z.exactOptional(nonEmptyString),
  email: z.exactOptional(nonEmptyString),
});

/**
 * `sender` / `receiver` of new_message and `user` of create-chat.
 * `id` is OUR id for the person (amojo echoes it back as `client_id`); `ref_id` is amojo's id: a manager's amojo_id,
 * the channel bot id, or the hook's `receiver.id` when binding a write-first chat (chats-api §0, §1.7).
 */
export const participant = z.strictObject({
  id: nonEmptyString,
  ref_id: z.exactOptional(nonEmptyString),
  name: nonEmptyString,
  avatar: z.exactOptional(nonEmptyString),
  profile: z.exactOptional(participantProfile),
  profile_link: z.exactOptional(nonEmptyString),
});
