import type { BridgeAccepted, BridgeEditRequest } from '../contracts/bridge';
import { bridgeTimestampToMillis } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { findConversationById } from '../store/conversations-repo';
import { findMessageByOurId } from '../store/messages-repo';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { alreadyAccepted, enqueueBridgeJob } from './bridge-job';
import { bridgeMsgid } from './bridge-msgid';
import { toAmojoEdit } from './to-amojo-edit';

const unknownMessage = () =>
  new AppError('not_found', 'No client message with this id was accepted on this link.', {
    issues: [{ path: 'id', message: 'unknown message' }],
  });

/**
 * POST /bridge/v1/messages/{id}/edit: queue an edit of a client message we accepted. Edits of one message are told
 * apart by `edited_at` (or, without it, by content), so a retry is a no-op and a later edit goes through.
 */
export async function acceptEdit(
  deps: BridgeDeps,
  link: BridgeLink,
  messengerId: string,
  body: BridgeEditRequest,
): Promise<BridgeAccepted> {
  const row = await findMessageByOurId(deps.db, link.id, bridgeMsgid(link.id, messengerId));
  if (row?.direction !== 'in') throw unknownMessage();
  const conversation = await findConversationById(deps.db, row.conversationRowId);
  if (!conversation?.conversationId) throw unknownMessage();

  const fingerprint = bodyFingerprint({ id: messengerId, ...body });
  const version = body.edited_at === undefined ? `fp:${fingerprint}` : `at:${bridgeTimestampToMillis(body.edited_at)}`;
  const key = bridgeJobKeys.edit(link.id, messengerId, version);
  if (await alreadyAccepted(deps.db, key, fingerprint)) return { accepted: true, id: messengerId, duplicate: true };

  const now = deps.now();
  const request = toAmojoEdit(messengerId, body, { linkId: link.id, conversationId: conversation.conversationId, now });
  const created = await enqueueBridgeJob(
    deps.db,
    {
      idempotencyKey: key,
      job: { kind: 'amojo.edit_message', linkId: link.id, request },
      orderingKey: conversationOrderingKey(link.id, conversation.id),
      fingerprint,
    },
    now,
  );
  return { accepted: true, id: messengerId, duplicate: !created };
}
