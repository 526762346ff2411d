import { disconnectRequest } from '../../contracts/amojo';
import { type ApiResponse, emptyResponse } from './api-response';
import { disconnectAccount } from './disconnect-account';
import { parseRequestBody } from './parse-request-body';
import type { RouteInput } from './route-input';

/**
 * DELETE /v2/origin/custom/{channel_id}/disconnect (JSON body). The docs list 404 only for an unknown channel, so
 * disconnecting an account that is not connected answers 200 like a repeated disconnect would.
 */
export function handleDisconnect({ ctx, body }: RouteInput): ApiResponse {
  const parsed = parseRequestBody(disconnectRequest, body);
  if (!parsed.ok) return parsed.response;
  disconnectAccount(ctx, parsed.value.account_id);
  return emptyResponse(200);
}
