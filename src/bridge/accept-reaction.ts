import { randomUUID } from 'node:crypto';
import type { BridgeAccepted, BridgeReactionRequest } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { findConversationById } from '../store/conversations-repo';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { alreadyAccepted, enqueueBridgeJob } from './bridge-job';
import { amojoRefOf, findReferencedMessage } from './resolve-message-ref';
import { type AmojoConversationRef, toAmojoReact } from './to-amojo-react';

/** POST /bridge/v1/reactions: queue a client's reaction on a message of this link. */
export async function acceptReaction(
  deps: BridgeDeps,
  link: BridgeLink,
  body: BridgeReactionRequest,
): Promise<BridgeAccepted> {
  const row = await findReferencedMessage(deps.db, link.id, body.message);
  const target = row === undefined ? undefined : amojoRefOf(row);
  const conversation = row === undefined ? undefined : await findConversationById(deps.db, row.conversationRowId);
  const chat: AmojoConversationRef | undefined = conversation?.conversationId
    ? { conversation_id: conversation.conversationId }
    : conversation?.amojoChatId
      ? { conversation_ref_id: conversation.amojoChatId }
      : undefined;
  if (target === undefined || conversation === undefined || chat === undefined) {
    const path = body.message.id === undefined ? 'message.message_id' : 'message.id';
    throw new AppError('not_found', 'No message with this id on this link.', {
      issues: [{ path, message: 'unknown message' }],
    });
  }
  const fingerprint = bodyFingerprint(body);
  const reactionId = body.id ?? (deps.ids ?? randomUUID)();
  const key = bridgeJobKeys.reaction(link.id, reactionId);
  if (body.id !== undefined && (await alreadyAccepted(deps.db, key, fingerprint))) {
    return { accepted: true, id: reactionId, duplicate: true };
  }
  const created = await enqueueBridgeJob(
    deps.db,
    {
      idempotencyKey: key,
      job: { kind: 'amojo.react', linkId: link.id, request: toAmojoReact(body, { conversation: chat, target }) },
      orderingKey: conversationOrderingKey(link.id, conversation.id),
      fingerprint,
    },
    deps.now(),
  );
  return { accepted: true, id: reactionId, duplicate: !created };
}
