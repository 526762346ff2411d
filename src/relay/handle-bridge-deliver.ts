import { type BridgeableWebhook, hookToBridgeEvent } from '../bridge/hook-to-bridge-event';
import type { MessageHook } from '../contracts/amojo';
import type { RelayJob } from '../jobs/relay-jobs';
import { MediaMirrorError } from '../media/create-media-mirror';
import { findConversationByAmojoChatId } from '../store/conversations-repo';
import { listAccountLinks } from '../store/links-repo';
import { findMessageByAmojoId } from '../store/messages-repo';
import { enqueue } from '../store/outbox-repo';
import { findParticipantByAmojoUserId } from '../store/participants-repo';
import { bridgeEventId } from './bridge-event-id';
import { DELIVERY_HELD } from './create-delivery-breaker';
import { deliveredEffects, undeliveredEffects } from './deliver-message-effects';
import { deliveryStatusJob } from './delivery-status-job';
import type { JobResult } from './job-handler';
import { LINK_UNLINKED, type LiveLink, liveLink } from './live-link';
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
  let link: LiveLink;
  try {
    link = await liveLink(deps.links, job.linkId);
  } catch (error) {
    if (error instanceof RelayJobError && error.code === LINK_UNLINKED) return refuseUnlinked(deps, job, error);
    throw error;
  }
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

/** What the manager reads at a message sent in a chat of an unlinked number (amojo shows at most 200 characters). */
const UNLINKED_TEXT = 'This number was disconnected from the channel, so the message was not delivered.';

/**
 * A hook in a chat of a number that was unlinked while another number of the account keeps the scope: the door
 * gives such a chat's hooks to its own link, never to another number's messenger. Nothing can be delivered, so a
 * manager message is final: reported -1 (902, integration disabled) through a live link of the account, which
 * shares the scope, and typing or reactions are dropped. With no live link left the scope is gone as well, and the
 * job stays a dead letter, as it always was, for a replay after a relink.
 */
async function refuseUnlinked(deps: RelayDeps, job: DeliverJob, unlinked: RelayJobError): Promise<JobResult> {
  const link = await deps.links.get(job.linkId);
  const live = link && (await listAccountLinks(deps.db, link.accountId, { liveOnly: true }))[0];
  if (!link || !live) throw unlinked;
  const webhook = await readInboxHook(deps.db, job.dedupeKey);
  deps.logger?.info({ linkId: link.id, kind: webhook.kind }, 'hook for an unlinked number not delivered');
  if (webhook.kind !== 'message' && webhook.kind !== 'comment_reply') return { outcome: LINK_UNLINKED };
  const envelope = webhook.hook.message;
  if (envelope.sender.client_id) return { outcome: 'echo' };
  if ((await findMessageByAmojoId(deps.db, link.id, envelope.message.id))?.direction === 'in') {
    return { outcome: 'echo' };
  }
  const status = { delivery_status: -1 as const, error_code: 902 as const, error: UNLINKED_TEXT };
  const statusJob = deliveryStatusJob(live.id, envelope.message.id, status);
  return {
    outcome: LINK_UNLINKED,
    effects: async (trx, now) => {
      await enqueue(trx, statusJob, now);
    },
  };
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
