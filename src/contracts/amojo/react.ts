import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

const optional = z.exactOptional;

/**
 * Body of POST /v2/origin/custom/{scope_id}/react (the PHP sample's /{scope_id}/{msgid}/react path is a doc slip,
 * chats-api §3.6 #4). The chat is named by our `conversation_id` or amojo's `conversation_ref_id`, the message by
 * amojo's `id` or our `msgid`; `user.ref_id` (amojo user) is needed when a manager reacts.
 *
 * `emoji` is required for "react" and REJECTED for "unreact": amojo's own reaction hook omits it on unreact, so a
 * user holds one reaction per message and sending an emoji there could only suggest a meaning it does not have.
 */
export const reactRequest = z
  .strictObject({
    conversation_id: optional(nonEmptyString),
    conversation_ref_id: optional(nonEmptyString),
    id: optional(nonEmptyString),
    msgid: optional(nonEmptyString),
    user: z.strictObject({ id: nonEmptyString, ref_id: optional(nonEmptyString) }),
    type: z.enum(['react', 'unreact']),
    emoji: optional(nonEmptyString),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (r.conversation_id === undefined && r.conversation_ref_id === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['conversation_id'],
          message: 'needs conversation_id or conversation_ref_id',
        });
      }
      if (r.id === undefined && r.msgid === undefined) {
        ctx.addIssue({ code: 'custom', path: ['id'], message: 'needs id (amojo message id) or msgid (ours)' });
      }
      if (r.type === 'react' && r.emoji === undefined) {
        ctx.addIssue({ code: 'custom', path: ['emoji'], message: 'required for type react' });
      }
      if (r.type === 'unreact' && r.emoji !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['emoji'], message: 'must be omitted for type unreact' });
      }
    }),
  );
