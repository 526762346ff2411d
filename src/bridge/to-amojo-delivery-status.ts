import type { DeliveryStatusRequest } from '../contracts/amojo';
import { type BridgeReceiptRequest, bridgeFailureReasons, bridgeFailureTextMaxLength } from '../contracts/bridge';

/** What the manager reads when the messenger gave a reason but no text. */
const defaultTexts = {
  conversation_deleted: 'The client deleted the conversation in the messenger.',
  integration_disabled: 'The messenger has switched this integration off.',
  internal_error: 'The messenger could not deliver the message because of an internal error.',
  recipient_unreachable: 'The messenger cannot reach this client.',
  other: 'The messenger could not deliver the message.',
} as const;

/** Cuts to the limit on whole code points, with an ellipsis, so a cut never splits an emoji. */
function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The amojo status code a receipt moves a message to: delivered 1, read 2, failed -1. */
export function receiptStatusCode(status: BridgeReceiptRequest['status']): 1 | 2 | -1 {
  return status === 'delivered' ? 1 : status === 'read' ? 2 : -1;
}

/** A messenger receipt as amojo's delivery_status for the manager message `amojoMsgId`. */
export function toAmojoDeliveryStatus(body: BridgeReceiptRequest, amojoMsgId: string): DeliveryStatusRequest {
  const code = receiptStatusCode(body.status);
  if (code !== -1 || body.reason === undefined) return { msgid: amojoMsgId, delivery_status: code };
  const text = body.text !== undefined && body.text.trim() !== '' ? body.text : defaultTexts[body.reason];
  return {
    msgid: amojoMsgId,
    delivery_status: -1,
    error_code: bridgeFailureReasons[body.reason],
    error: clip(text, bridgeFailureTextMaxLength),
  };
}
