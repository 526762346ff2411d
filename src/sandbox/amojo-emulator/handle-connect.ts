import { z } from 'zod/mini';
import { connectRequest } from '../../contracts/amojo';
import { type ApiResponse, jsonResponse } from './api-response';
import { parseRequestBody } from './parse-request-body';
import type { RouteInput } from './route-input';

// Our client always sends hook_api_version, but amojo accepts a connect without it and defaults to v1. An account's
// amojo id is a UUID; the numeric amoCRM account id in its place (chats-api §0, the classic mix-up) is refused.
const connectAsAmojoReads = z.extend(connectRequest, {
  account_id: z.guid(),
  hook_api_version: z._default(z.enum(['v1', 'v2']), 'v1'),
});

/** POST /v2/origin/custom/{channel_id}/connect. Reconnecting an account keeps its scope id and takes the new settings. */
export function handleConnect({ ctx, body }: RouteInput): ApiResponse {
  const parsed = parseRequestBody(connectAsAmojoReads, body);
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  const scopeId = `${ctx.channelId}_${request.account_id}`;
  const previous = ctx.store.connections.get(scopeId);
  const connection = previous ?? {
    scopeId,
    accountId: request.account_id,
    title: '',
    hookApiVersion: request.hook_api_version,
    isTimeWindowDisabled: false,
    connected: true,
    connectedAt: 0,
  };
  connection.title = request.title ?? ctx.channelTitle;
  connection.hookApiVersion = request.hook_api_version;
  connection.isTimeWindowDisabled = request.is_time_window_disabled ?? false;
  connection.connected = true;
  connection.connectedAt = ctx.now().getTime();
  delete connection.disconnectedAt;
  ctx.store.connections.set(scopeId, connection);
  return jsonResponse(200, {
    account_id: connection.accountId,
    scope_id: scopeId,
    title: connection.title,
    hook_api_version: connection.hookApiVersion,
    is_time_window_disabled: connection.isTimeWindowDisabled,
  });
}
