import { verifyWebhook } from '../../../amojo/verify-webhook';
import { parseAmojoWebhook } from '../../../contracts/amojo';
import { AppError } from '../../../http/app-error';
import { bridgeDeliverJob } from '../../../jobs/bridge-deliver-job';
import { normalizeAmojoId } from '../../../store/normalize-amojo-id';
import type { IngressResult, IngressRow } from '../../../store/write-ingress-batch';
import type { ScopeLink, ScopeLookup } from './create-scope-lookup';
import { type AcceptedHook, hookChatId, hookConversation, hookDedupeKey } from './hook-dedupe-key';
import { type HookTimeWindow, hookTimeIssue } from './hook-time-issue';

// fatal: malformed bytes are refused, not replaced. ignoreBOM keeps a BOM in the text (JSON.parse then refuses it),
// so the stored payload is exactly the bytes that were signed.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface AcceptHookDeps {
  channelId: string;
  /** Current secret first, then the previous one during a rotation. */
  secrets: readonly string[];
  lookupScope: ScopeLookup;
  /** Stores the inbox row and its job in one durable transaction: a group commit's `append`. */
  persist: (row: IngressRow) => Promise<IngressResult>;
  now: () => number;
  timeWindow: HookTimeWindow;
}

export interface HookInput {
  scopeId: string;
  /** The raw request bytes, exactly as received. */
  body: Uint8Array;
  signature: string | null;
}

export interface HookAccepted {
  result: IngressResult;
  linkId: string;
  kind: AcceptedHook['kind'];
}

/**
 * The webhook core, free of HTTP: checks in the order chats-api §2.3 gives (signature over the raw bytes, scope,
 * JSON, hook shape, account), then makes the hook durable with its delivery job. Resolves only once the row is
 * committed, so the 200 that follows is a promise kept. Every refusal is an AppError with its own status.
 */
export async function acceptAmojoHook(deps: AcceptHookDeps, input: HookInput): Promise<HookAccepted> {
  if (!verifyWebhook({ body: input.body, signature: input.signature, secrets: deps.secrets })) {
    throw new AppError('signature_invalid', 'X-Signature does not match the body.');
  }
  const link = input.scopeId.startsWith(`${deps.channelId}_`) ? await deps.lookupScope(input.scopeId) : undefined;
  if (!link) throw new AppError('unknown_scope', 'The scope in the URL is not linked to this channel.');

  let text: string;
  try {
    text = strictUtf8.decode(input.body);
  } catch {
    // A lossy decode turns every bad sequence into U+FFFD, so two different ids could become one stored id.
    throw new AppError('invalid_request', 'The body is not valid UTF-8.', {
      issues: [{ path: '', message: 'invalid UTF-8' }],
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.', {
      issues: [{ path: '', message: 'malformed JSON' }],
    });
  }
  const webhook = parseAmojoWebhook(json);
  if (webhook.kind === 'invalid') {
    throw new AppError('invalid_request', 'The body is not an amojo hook.', { issues: webhook.issues });
  }
  if (webhook.kind === 'v1') {
    // We always connect with hook_api_version v2; a v1 hook means the scope was connected by something else.
    throw new AppError('invalid_request', 'Hook API v1 is not supported; reconnect the account with v2.', {
      issues: [{ path: '', message: 'v1 hook format is unsupported' }],
    });
  }
  if (normalizeAmojoId(webhook.hook.account_id) !== normalizeAmojoId(link.amojoId)) {
    throw new AppError('scope_mismatch', 'account_id does not belong to the scope in the URL.');
  }
  const timeIssue = hookTimeIssue(webhook.hook.time, deps.now(), deps.timeWindow);
  if (timeIssue !== null) {
    throw new AppError('invalid_request', 'The hook is outside the accepted time window.', {
      issues: [{ path: 'time', message: timeIssue }],
    });
  }

  const chatId = hookChatId(webhook);
  const linkId = await hookLinkId(link, webhook, chatId);
  const dedupeKey = hookDedupeKey(linkId, webhook);
  const result = await deps.persist({
    event: { dedupeKey, linkId, kind: webhook.kind, payload: text, receivedAt: deps.now() },
    job: bridgeDeliverJob(linkId, dedupeKey, chatId),
  });
  return { result, linkId, kind: webhook.kind };
}

/**
 * Which of the account's links (live ones share its one scope) the hook is for. A chat never moves between numbers,
 * so the link whose conversation the chat is comes first; a chat we do not know yet goes to the link whose amoCRM
 * source the message names (a manager writing first picks the number this way), else to the primary link. Unlinked
 * links count too: their chats' hooks are theirs (the relay reports them undelivered), never another number's.
 * An account with a single link, the common case, needs no lookup.
 */
async function hookLinkId(scope: ScopeLink, webhook: AcceptedHook, chatId: string): Promise<string> {
  if (scope.linkIds.length <= 1) return scope.linkId;
  const chatLink = await scope.linkOfChat(chatId, hookConversation(webhook).client_id);
  if (chatLink !== undefined) return chatLink;
  if (webhook.kind === 'message' || webhook.kind === 'comment_reply') {
    const source = webhook.hook.message.source?.external_id;
    if (source !== undefined && scope.linkIds.includes(source)) return source;
  }
  return scope.linkId;
}
