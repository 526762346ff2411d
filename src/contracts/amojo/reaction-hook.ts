import { z } from 'zod/mini';
import { dropNulls } from './drop-nulls';
import { hookId, hookText, looseConversation, looseParticipant } from './loose-fields';

const optional = z.exactOptional;
const hookUser = z.looseObject({ id: hookId });

const reactionMessage = z.looseObject({
  id: hookId,
  client_id: optional(hookText),
  sender: optional(looseParticipant),
  receiver: optional(looseParticipant),
  timestamp: optional(z.number()),
  msec_timestamp: optional(z.number()),
});

const rawReactionHook = z
  .looseObject({
    account_id: z.string().check(z.minLength(1)),
    time: z.number(),
    action: z.looseObject({
      reaction: z.looseObject({
        msgid: optional(hookId),
        message: optional(reactionMessage),
        user: optional(hookUser),
        conversation: looseConversation,
        type: z.enum(['react', 'unreact']),
        emoji: optional(hookText),
      }),
      user: optional(hookUser),
    }),
  })
  .check(
    z.superRefine((hook, ctx) => {
      const { reaction } = hook.action;
      if (reaction.message === undefined && reaction.msgid === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['action', 'reaction', 'message', 'id'],
          message: 'reacted message missing (looked at action.reaction.message.id and action.reaction.msgid)',
        });
      }
      if (reaction.user === undefined && hook.action.user === undefined) {
        ctx.addIssue({ code: 'custom', path: ['action', 'reaction', 'user', 'id'], message: 'reacting user missing' });
      }
    }),
  );

/**
 * Manager reacted / removed a reaction (only if the channel declared its reactions). The example names the message
 * by `action.reaction.msgid`, the table by a `message{id, client_id?, ...}` object (chats-api §3.6 #7); both are
 * amojo's message id. After parsing it is ALWAYS at `action.reaction.message.id` (the raw `msgid` is left as sent),
 * and the user at `action.reaction.user` (tolerating `action.user` like the typing hook). `emoji` is absent on unreact.
 */
export const reactionHook = z.pipe(
  z.pipe(z.transform(dropNulls), rawReactionHook),
  z.transform((hook: z.infer<typeof rawReactionHook>) => {
    const { reaction } = hook.action;
    // The refinement above guarantees message or msgid, and a user; the '' fallbacks only satisfy the type checker.
    const message = reaction.message ?? { id: reaction.msgid ?? '' };
    const user = reaction.user ?? hook.action.user ?? { id: '' };
    return { ...hook, action: { ...hook.action, reaction: { ...reaction, message, user } } };
  }),
);
