import { z } from 'zod/mini';
import { bridgeContactHint } from './bridge-contact-hint';
import {
  bridgeConversation,
  bridgeId,
  bridgeMessageRef,
  bridgeSender,
  bridgeSource,
  bridgeText,
  bridgeTimestamp,
  bridgeTimestampToMillis,
} from './bridge-fields';
import { bridgeMessageContent } from './bridge-message-content';

const optional = z.exactOptional;

/** Most messages one history batch may carry. */
export const bridgeHistoryBatchMax = 100;

/** Who wrote an outgoing message: a manager (by amoCRM user id, `amojo_id`) or, when unknown, the channel bot. */
const historyAuthor = z.strictObject({
  amojo_user_id: optional(bridgeId),
  name: optional(bridgeText.check(z.maxLength(255))),
});

export const bridgeHistoryMessage = z
  .strictObject({
    id: bridgeId,
    /** `in`: the client wrote; `out`: the business answered (a manager or a bot) in the messenger's own app. */
    direction: z.enum(['in', 'out']),
    sent_at: bridgeTimestamp,
    message: bridgeMessageContent,
    reply_to: optional(bridgeMessageRef),
    author: optional(historyAuthor),
  })
  .check(
    z.refine((m) => m.direction === 'out' || m.author === undefined, {
      path: ['author'],
      message: 'only outgoing messages have an author',
    }),
  );

/**
 * POST /bridge/v1/history-imports: one batch of a conversation's past, oldest first. All batches of one import
 * share `import_id`; the batch with `final: true` ends it, and its newest message is the only one imported without
 * `silent`, so amoCRM makes exactly one incoming lead / notification. A batch sent again is a no-op, so an
 * interrupted import resumes by resending from the first batch not acknowledged (see GET …/{import_id}).
 */
export const bridgeHistoryImportRequest = z.strictObject({
  import_id: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/)),
  conversation: bridgeConversation,
  client: bridgeSender,
  source: optional(bridgeSource),
  /** The amoCRM contact the client is known as; the import starts the conversation, so it may name it. */
  contact: optional(bridgeContactHint),
  final: z.boolean(),
  messages: z.array(bridgeHistoryMessage).check(
    z.minLength(1),
    z.maxLength(bridgeHistoryBatchMax),
    z.superRefine((messages, ctx) => {
      const seen = new Set<string>();
      let previous = Number.NEGATIVE_INFINITY;
      messages.forEach((m, i) => {
        if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'repeats an earlier id' });
        seen.add(m.id);
        const at = bridgeTimestampToMillis(m.sent_at);
        if (at < previous) {
          ctx.addIssue({ code: 'custom', path: [i, 'sent_at'], message: 'older than the message before it' });
        }
        previous = Math.max(previous, at);
      });
    }),
  ),
});
