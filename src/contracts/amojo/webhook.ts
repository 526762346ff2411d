import { z } from 'zod/mini';
import { type FormattedIssue, formatIssues } from '../format-issues';
import { type hookPost, messageHook } from './message-hook';
import { reactionHook } from './reaction-hook';
import { typingHook } from './typing-hook';

export {
  hookEmbeddedMessage,
  hookMarkup,
  hookMessageContent,
  hookPost,
  hookTemplate,
  messageHook,
} from './message-hook';
export { reactionHook } from './reaction-hook';
export { typingHook } from './typing-hook';

export type MessageHook = z.infer<typeof messageHook>;
export type TypingHook = z.infer<typeof typingHook>;
export type ReactionHook = z.infer<typeof reactionHook>;
export type HookPost = z.infer<typeof hookPost>;

type HookEnvelope = MessageHook['message'];
/** A message hook whose content is a public reply to a comment: `message.message.post` is always there. */
export type CommentReplyHook = MessageHook & {
  message: HookEnvelope & { message: HookEnvelope['message'] & { post: HookPost } };
};

export type AmojoWebhook =
  | { kind: 'message'; hook: MessageHook }
  | { kind: 'comment_reply'; hook: CommentReplyHook }
  | { kind: 'typing'; hook: TypingHook }
  | { kind: 'reaction'; hook: ReactionHook }
  | { kind: 'v1'; reason: 'unsupported' }
  | { kind: 'invalid'; issues: FormattedIssue[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, path = ''): AmojoWebhook {
  return { kind: 'invalid', issues: [{ path, message }] };
}

function parseWith<S extends z.core.$ZodType>(schema: S, json: unknown): z.infer<S> | FormattedIssue[] {
  const result = z.safeParse(schema, json);
  return result.success ? result.data : formatIssues(result.error, json);
}

function classify(json: unknown): AmojoWebhook {
  if (!isRecord(json)) return invalid('expected a JSON object');
  const { action } = json;
  if (isRecord(action) && action.typing !== undefined) {
    const hook = parseWith(typingHook, json);
    return Array.isArray(hook) ? { kind: 'invalid', issues: hook } : { kind: 'typing', hook };
  }
  if (isRecord(action) && action.reaction !== undefined) {
    const hook = parseWith(reactionHook, json);
    return Array.isArray(hook) ? { kind: 'invalid', issues: hook } : { kind: 'reaction', hook };
  }
  if (json.message !== undefined) {
    const hook = parseWith(messageHook, json);
    if (Array.isArray(hook)) return { kind: 'invalid', issues: hook };
    const { post } = hook.message.message;
    if (post === undefined) return { kind: 'message', hook };
    return {
      kind: 'comment_reply',
      hook: { ...hook, message: { ...hook.message, message: { ...hook.message.message, post } } },
    };
  }
  if (json.receiver !== undefined && json.conversation_id !== undefined) return { kind: 'v1', reason: 'unsupported' };
  if (action !== undefined) return invalid('expected action.typing or action.reaction', 'action');
  return invalid('not an amojo hook: expected message, action.typing, action.reaction or a v1 body');
}

/**
 * The one entry point for amojo hook bodies (already signature-checked and JSON-parsed). Tells the kinds apart the
 * way chats-api §3.4 says: `action.typing`, `action.reaction`, `message` (with `message.message.post` = reply to a
 * comment), then the legacy flat v1 body (`receiver` + `conversation_id`), which we do not support.
 * Never throws: anything unexpected, however deep or odd, comes back as `kind: 'invalid'` with named issues.
 */
export function parseAmojoWebhook(json: unknown): AmojoWebhook {
  try {
    return classify(json);
  } catch {
    return invalid('hook could not be read');
  }
}
