import { bridgeMsgid } from '../bridge/bridge-msgid';
import type { BridgeDeliveryResponse } from '../contracts/bridge';
import { bindConversation, findConversation } from '../store/conversations-repo';
import { findMessageByOurId, recordMessage, setOurMsgid } from '../store/messages-repo';
import { enqueue } from '../store/outbox-repo';
import { bindParticipant, findParticipantByClientId } from '../store/participants-repo';
import { deliveryStatusJob } from './delivery-status-job';
import type { JobEffect } from './job-effect';
import type { MessengerFailure } from './messenger-failure';
import type { HookState } from './remember-hook-state';

interface Delivered {
  linkId: string;
  amojoMsgId: string;
  state: HookState;
}

/**
 * After the messenger took a manager message: the message row (with the messenger's id, so its receipts and
 * reactions find it), the ids a `conversation.started` answer names, and "delivered" for amojo. Conflicting ids are
 * looked for first instead of caught: on PostgreSQL a unique violation would spoil the whole batch's transaction.
 */
export function deliveredEffects(target: Delivered, response: BridgeDeliveryResponse): JobEffect {
  const { linkId, amojoMsgId, state } = target;
  return async (trx, now) => {
    const msgid = response.message_id === undefined ? undefined : bridgeMsgid(linkId, response.message_id);
    const ourMsgid = msgid !== undefined && !(await findMessageByOurId(trx, linkId, msgid)) ? msgid : null;
    const { message, created } = await recordMessage(
      trx,
      { linkId, conversationRowId: state.conversation.id, direction: 'out', amojoMsgId, ourMsgid },
      now,
    );
    // A replayed delivery finds the row its dead letter recorded, which had no messenger id to store yet.
    if (!created && ourMsgid !== null && message.ourMsgid === null) await setOurMsgid(trx, message.id, ourMsgid, now);
    if (response.conversation_id !== undefined && state.conversation.conversationId === null) {
      if (!(await findConversation(trx, linkId, response.conversation_id))) {
        await bindConversation(trx, state.conversation.id, { conversationId: response.conversation_id }, now);
      }
    }
    const { participant } = state;
    if (response.recipient_id !== undefined && participant && participant.clientId === null) {
      if (!(await findParticipantByClientId(trx, linkId, response.recipient_id))) {
        await bindParticipant(trx, participant.id, { clientId: response.recipient_id }, now);
      }
    }
    await enqueue(trx, deliveryStatusJob(linkId, amojoMsgId, { delivery_status: 1 }), now);
  };
}

/** When a delivery is given up: the message row, and -1 with a reason the manager can read. */
export function undeliveredEffects(
  target: Delivered,
  failure: Pick<MessengerFailure, 'errorCode' | 'text'>,
): JobEffect {
  const { linkId, amojoMsgId, state } = target;
  return async (trx, now) => {
    await recordMessage(trx, { linkId, conversationRowId: state.conversation.id, direction: 'out', amojoMsgId }, now);
    const status = { delivery_status: -1 as const, error_code: failure.errorCode, error: failure.text };
    await enqueue(trx, deliveryStatusJob(linkId, amojoMsgId, status), now);
  };
}
