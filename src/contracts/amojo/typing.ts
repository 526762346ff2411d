import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

/**
 * Body of POST /v2/origin/custom/{scope_id}/typing (answered 204). Both ids are OURS: the conversation_id we sent with
 * new_message and our id of the client who types. amojo assumes 5000 ms when `duration_ms` is absent.
 */
export const typingRequest = z.strictObject({
  conversation_id: nonEmptyString,
  sender: z.strictObject({ id: nonEmptyString }),
  duration_ms: z.exactOptional(z.int().check(z.gt(0))),
});
