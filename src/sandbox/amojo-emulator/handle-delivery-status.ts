import { deliveryStatusRequest } from '../../contracts/amojo';
import { type ApiResponse, emptyResponse } from './api-response';
import { badField, notFound } from './error-responses';
import { parseRequestBody } from './parse-request-body';
import { recordDeliveryStatus } from './record-delivery-status';
import type { ScopedRouteInput } from './route-input';

/** POST /v2/origin/custom/{scope_id}/{amojo_msg_id}/delivery_status: 404 for a message this scope does not have. */
export function handleDeliveryStatus({ ctx, connection, params, body }: ScopedRouteInput): ApiResponse {
  const parsed = parseRequestBody(deliveryStatusRequest, body);
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  const messageId = params.message_id!;
  const message = ctx.store.findMessageInScope(connection.scopeId, messageId);
  if (!message) return notFound(`message ${messageId}`);
  // Every documented sample repeats the path's amojo id in the body; a different one is a client bug.
  if (request.msgid !== messageId) return badField('msgid', `must equal the message id in the path (${messageId})`);
  recordDeliveryStatus(message, {
    status: request.delivery_status,
    ...(request.error_code === undefined ? {} : { errorCode: request.error_code }),
    ...(request.error === undefined ? {} : { error: request.error }),
    at: ctx.now().getTime(),
  });
  return emptyResponse(200);
}
