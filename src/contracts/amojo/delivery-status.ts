import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

/** 1 delivered, 2 read, -1 error. "Sent" has no code: it is implied when amojo emits the hook. */
export const deliveryStatusCode = z.literal([1, 2, -1]);

/** 901 chat deleted by user, 902 integration off, 903 internal error, 904 cannot create chat, 905 other (text needed). */
export const deliveryErrorCode = z.literal([901, 902, 903, 904, 905]);

interface DeliveryErrorFields {
  readonly error_code?: number;
  readonly error?: string;
}

/**
 * Shared rule of `delivery_status` and of edit_message's `message.delivery_status`: an error status must say which
 * error, and 905 must carry a text for the manager. error_code/error are tolerated with 1 and 2 because the docs' own
 * signed example (chats-api §2.2, §3.6 #3) sends status 2 with 905 and amojo accepted it; they mean nothing there.
 */
export function checkDeliveryError(status: number, fields: DeliveryErrorFields, ctx: z.core.$RefinementCtx): void {
  if (status === -1 && fields.error_code === undefined) {
    ctx.addIssue({ code: 'custom', path: ['error_code'], message: 'required when the status is -1 (error)' });
  }
  if (fields.error_code === 905 && (fields.error === undefined || fields.error.trim() === '')) {
    ctx.addIssue({ code: 'custom', path: ['error'], message: 'error code 905 needs a non-empty error text' });
  }
}

/**
 * Body of POST /v2/origin/custom/{scope_id}/{amojo_msg_id}/delivery_status.
 * The [ref] table and its JSON example call the status field `status_code` and omit `msgid`; the step-by-step guide,
 * every PHP sample, Kommo's spec, all working peers and the signed golden vector use `msgid` + `delivery_status`
 * (chats-api §3.6 #1). We follow the latter, so a `status_code` body is rejected as an unknown key.
 * `msgid` here is AMOJO's message id (the same one as in the path), not ours.
 */
export const deliveryStatusRequest = z
  .strictObject({
    msgid: nonEmptyString,
    delivery_status: deliveryStatusCode,
    error_code: z.exactOptional(deliveryErrorCode),
    error: z.exactOptional(z.string()),
  })
  .check(z.superRefine((body, ctx) => checkDeliveryError(body.delivery_status, body, ctx)));
