import type { BridgeAccepted, BridgeReceiptRequest } from '../contracts/bridge';
import { bridgeFailureReasons } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { statusOrderingKey } from '../jobs/ordering-keys';
import { advanceMessageStatus } from '../store/messages-repo';
import { findJobByKey } from '../store/outbox-repo';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { enqueueBridgeJob } from './bridge-job';
import { findReferencedMessage } from './resolve-message-ref';
import { receiptStatusCode, toAmojoDeliveryStatus } from './to-amojo-delivery-status';

/**
 * POST /bridge/v1/receipts: a delivered / read / failed report for a manager message. The status moves forward in
 * the same transaction that queues the report to amoCRM, so a status is passed on at most once and never backwards
 * (read, then a late "delivered", is accepted and ignored).
 */
export async function acceptReceipt(
  deps: BridgeDeps,
  link: BridgeLink,
  body: BridgeReceiptRequest,
): Promise<BridgeAccepted> {
  const row = await findReferencedMessage(deps.db, link.id, body.message);
  const id = body.message.message_id ?? body.message.id ?? '';
  if (row?.direction !== 'out' || row.amojoMsgId === null) {
    const path = body.message.id === undefined ? 'message.message_id' : 'message.id';
    throw new AppError('not_found', 'No manager message with this id was delivered on this link.', {
      issues: [{ path, message: 'unknown manager message' }],
    });
  }
  const amojoMsgId = row.amojoMsgId;
  const key = bridgeJobKeys.receipt(link.id, row.id, body.status);
  if (await findJobByKey(deps.db, key)) return { accepted: true, id, duplicate: true };

  const now = deps.now();
  const status = receiptStatusCode(body.status);
  const request = toAmojoDeliveryStatus(body, amojoMsgId);
  const advanced = await deps.db.transaction().execute(async (trx) => {
    const errorCode = body.reason === undefined ? null : bridgeFailureReasons[body.reason];
    if (!(await advanceMessageStatus(trx, row.id, { status, errorCode, now }))) return false;
    await enqueueBridgeJob(
      trx,
      {
        idempotencyKey: key,
        job: { kind: 'amojo.delivery_status', linkId: link.id, amojoMsgId, request },
        // One message's statuses run one at a time with the relay's own "delivered" report.
        orderingKey: statusOrderingKey(link.id, amojoMsgId),
        fingerprint: bodyFingerprint(body),
      },
      now,
    );
    return true;
  });
  return advanced ? { accepted: true, id, duplicate: false } : { accepted: true, id, duplicate: false, ignored: true };
}
