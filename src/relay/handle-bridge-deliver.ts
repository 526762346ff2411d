import { type BridgeableWebhook, hookToBridgeEvent } from '../bridge/hook-to-bridge-event';
import type { MessageHook } from '../contracts/amojo';
import type { RelayJob } from '../jobs/relay-jobs';
import { MediaMirrorError } from '../media/create-media-mirror';
import { findConversationByAmojoChatId } from '../store/conversations-repo';
import { findMessageByAmojoId } from '../store/messages-repo';
import { findParticipantByAmojoUserId } from '../store/participants-repo';
import { bridgeEventId } from './bridge-event-id';
import { DELIVERY_HELD } from './create-delivery-breaker';
import { deliveredEffects, undeliveredEffects } from './deliver-message-effects';
import type { JobResult } from './job-handler';
import { type LiveLink, liveLink } from './live-link';
import { messengerFailure } from './messenger-failure';
import { messengerIdsOf } from './messenger-ids-of';
import { mirrorHookMedia } from './mirror-hook-media';
import { postThroughBreaker } from './post-through-breaker';
import { readInboxHook } from './read-inbox-hook';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';
import { rememberHookState } from './remember-hook-state';
import { replyWindowFailure } from './reply-window-failure';

type DeliverJob = Extract<RelayJob, { kind: 'bridge.deliver' }>;
type ActionHook = Extract<BridgeableWebhook, { kind: 'typing' | 'reaction' }>;

/** A hook accepted at the door, delivered to the messenger's webhook URL. */
export async function handleBridgeDeliver(deps: RelayDeps, job: DeliverJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  // An open breaker holds the job before any of the work (the hook, media, ids), which may take most of a minute;
  // the probe is still taken at the POST, so a job let through here may yet be held there.
  const held = await deps.breaker?.held(link);
  if (held) {
    throw new RelayJobError(DELIVERY_HELD, { retryable: true, holdUntil: held.until, holdForProbe: held.probing });
  }
  const webhook = await readInboxHook(deps.db, job.dedupeKey);
  const eventId = bridgeEventId(job.dedupeKey);
  if (webhook.kind === 'message' || webhook.kind === 'comment_reply') {
    return deliverMessage(deps, link, webhook, eventId);
  }
  return deliverAction(deps, link, webhook, eventId);
}

async function deliverMessage(
  deps: RelayDeps,
  link: LiveLink,
  webhook: Extract<BridgeableWebhook, { kind: 'message' | 'comment_reply' }>,
  eventId: string,
): Promise<JobResult> {
  const hook: MessageHook = webhook.hook;
  const envelope = hook.message;
  const amojoMsgId = envelope.message.id;
  // Echo guard: a message the client wrote (we sent it to amojo) is never delivered back to the client.
  if (envelope.sender.client_id) return { outcome: 'echo' };
  if ((await findMessageByAmojoId(deps.db, link.id, amojoMsgId))?.direction === 'in') return { outcome: 'echo' };

  const state = await rememberHookState(deps, link.id, hook);
  const target = { linkId: link.id, amojoMsgId, state };
  // A comment reply answers a public post, not a private chat, so the messenger's reply window does not apply.
  if (webhook.kind === 'message') {
    const closed = replyWindowFailure({
      windowSeconds: deps.timeWindowSeconds,
      disabled: link.timeWindowDisabled,
      lastInboundAt: state.conversation.lastInboundAt,
      now: deps.now(),
    });
    // Final, not a dead letter: a replay could never reopen the window.
    if (closed) return { outcome: closed.code, effects: undeliveredEffects(target, closed) };
  }
  const quoted = [
    envelope.message.reply_to?.message.id,
    ...(envelope.message.forwards?.messages ?? []).map((m) => m.id),
  ];
  let delivered = webhook;
  try {
    if (deps.media) delivered = await mirrorHookMedia(deps.media, webhook, eventId);
  } catch (error) {
    if (!(error instanceof MediaMirrorError)) throw error;
    const failure = { errorCode: error.retryable ? (903 as const) : (905 as const), text: error.text };
    if (!error.retryable) return { outcome: error.code, effects: undeliveredEffects(target, failure) };
    throw new RelayJobError(error.code, { retryable: true, onDead: undeliveredEffects(target, failure) });
  }
  const event = hookToBridgeEvent(delivered, {
    linkId: link.id,
    eventId,
    conversationId: state.conversation.conversationId ?? undefined,
    recipientId: state.participant?.clientId ?? undefined,
    botId: deps.botId,
    messengerIds: await messengerIdsOf(deps.db, link.id, quoted),
  });
  const result = await postThroughBreaker(deps, link, event);
  if (result.ok) return { outcome: event.type, effects: deliveredEffects(target, result.response) };
  const failure = messengerFailure(result);
  throw new RelayJobError(failure.code, {
    retryable: failure.retryable,
    retryAfterMs: failure.retryAfterMs,
    onDead: undeliveredEffects(target, failure),
  });
}

/** Typing and reactions: nothing to store, and a typing indicator that can no longer be shown is dropped. */
async function deliverAction(
  deps: RelayDeps,
  link: LiveLink,
  webhook: ActionHook,
  eventId: string,
): Promise<JobResult> {
  const action = webhook.kind === 'typing' ? webhook.hook.action.typing : webhook.hook.action.reaction;
  const typingExpired = webhook.kind === 'typing' && deps.now() > webhook.hook.action.typing.expired_at * 1000;
  if (typingExpired) return { outcome: 'stale' };
  // amojo names the actor by its own id; one of our clients is never echoed back to the messenger.
  if ((await findParticipantByAmojoUserId(deps.db, link.id, action.user.id))?.clientId) return { outcome: 'echo' };

  const conversation = await findConversationByAmojoChatId(deps.db, link.id, action.conversation.id);
  const reacted = webhook.kind === 'reaction' ? [webhook.hook.action.reaction.message.id] : [];
  const event = hookToBridgeEvent(webhook, {
    linkId: link.id,
    eventId,
    conversationId: conversation?.conversationId ?? undefined,
    botId: deps.botId,
    messengerIds: await messengerIdsOf(deps.db, link.id, reacted),
  });
  const result = await postThroughBreaker(deps, link, event);
  if (result.ok) return { outcome: event.type };
  const failure = messengerFailure(result);
  if (webhook.kind === 'typing' && !failure.retryable) return { outcome: 'dropped' };
  throw new RelayJobError(failure.code, { retryable: failure.retryable, retryAfterMs: failure.retryAfterMs });
}
