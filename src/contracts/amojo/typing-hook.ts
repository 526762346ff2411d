import { z } from 'zod/mini';
import { dropNulls } from './drop-nulls';
import { hookId, looseConversation, looseId } from './loose-fields';

const hookUser = z.looseObject({ id: hookId });

const rawTypingHook = z
  .looseObject({
    account_id: z.string().check(z.minLength(1)),
    time: z.number(),
    action: z.looseObject({
      typing: z.looseObject({
        conversation: looseConversation,
        user: z.exactOptional(hookUser),
        expired_at: z.exactOptional(z.number()),
        post_id: z.exactOptional(looseId),
      }),
      user: z.exactOptional(hookUser),
    }),
  })
  .check(
    z.refine((hook) => (hook.action.typing.user ?? hook.action.user) !== undefined, {
      path: ['action', 'typing', 'user', 'id'],
      message: 'typing user missing (looked at action.typing.user and action.user)',
    }),
  );

/**
 * "Manager is typing" hook (separate subscription, at most one per 5 s). The example puts the user at
 * `action.typing.user`, the table at `action.user` (chats-api §3.6 #7): after parsing it is ALWAYS at
 * `action.typing.user`. A missing `expired_at` becomes time + 5 s, the documented typing window.
 * `post_id` is set when the manager types a reply to a comment.
 */
export const typingHook = z.pipe(
  z.pipe(z.transform(dropNulls), rawTypingHook),
  z.transform((hook: z.infer<typeof rawTypingHook>) => {
    const { typing } = hook.action;
    // The refinement above guarantees one of the two; the empty fallback only satisfies the type checker.
    const user = typing.user ?? hook.action.user ?? { id: '' };
    return {
      ...hook,
      action: { ...hook.action, typing: { ...typing, user, expired_at: typing.expired_at ?? hook.time + 5 } },
    };
  }),
);
