import type { BridgeAccepted, BridgeTypingRequest } from '../contracts/bridge';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { findConversation } from '../store/conversations-repo';
import { enqueue } from '../store/outbox-repo';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { toOutboxJob } from './bridge-job';
import type { TypingThrottle } from './create-typing-throttle';
import { toAmojoTyping } from './to-amojo-typing';

/**
 * POST /bridge/v1/typing. Typing in a conversation amoCRM does not know yet (no message accepted) has nowhere to
 * show and is ignored. Otherwise at most one typing call per conversation per interval: in this process by the
 * throttle, across processes by the time slot in the idempotency key.
 */
export async function acceptTyping(
  deps: BridgeDeps,
  link: BridgeLink,
  body: BridgeTypingRequest,
  throttle: TypingThrottle,
  intervalMs: number,
): Promise<BridgeAccepted> {
  const id = body.conversation.id;
  const conversation = await findConversation(deps.db, link.id, id);
  if (!conversation) return { accepted: true, id, duplicate: false, ignored: true };
  const now = deps.now();
  if (!throttle.allow(`${link.id}:${conversation.id}`, now))
    return { accepted: true, id, duplicate: false, throttled: true };
  const { created } = await enqueue(
    deps.db,
    toOutboxJob({
      idempotencyKey: bridgeJobKeys.typing(link.id, conversation.id, Math.floor(now / intervalMs)),
      job: { kind: 'amojo.typing', linkId: link.id, request: toAmojoTyping(body) },
      orderingKey: conversationOrderingKey(link.id, conversation.id),
      fingerprint: bodyFingerprint(body),
    }),
    now,
  );
  return created ? { accepted: true, id, duplicate: false } : { accepted: true, id, duplicate: false, throttled: true };
}
