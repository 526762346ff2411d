import { verifyRequest } from '../../amojo/verify-request';
import { type ApiResponse, textResponse } from './api-response';
import type { EmulatorContext } from './emulator-context';
import { notFound } from './error-responses';
import { handleConnect } from './handle-connect';
import { handleCreateChat } from './handle-create-chat';
import { handleDeliveryStatus } from './handle-delivery-status';
import { handleDisconnect } from './handle-disconnect';
import { handleHistory } from './handle-history';
import { handleMessageEvent } from './handle-message-event';
import { handleReact } from './handle-react';
import { handleTyping } from './handle-typing';
import { type ApiRouteName, matchApiRoute } from './match-api-route';
import type { RouteHandler, RouteInput, ScopedRouteInput } from './route-input';

export interface ApiRequest {
  readonly method: string;
  /** The request target as received; the query part is split off here. */
  readonly url: string;
  readonly headers: {
    readonly date?: string | undefined;
    readonly contentType?: string | undefined;
    readonly contentMd5?: string | undefined;
    readonly signature?: string | undefined;
  };
  readonly body: Uint8Array;
}

const CHANNEL_ROUTES: Partial<Record<ApiRouteName, RouteHandler>> = {
  connect: handleConnect,
  disconnect: handleDisconnect,
};

const SCOPED_ROUTES: Partial<Record<ApiRouteName, RouteHandler<ScopedRouteInput>>> = {
  createChat: handleCreateChat,
  message: handleMessageEvent,
  deliveryStatus: handleDeliveryStatus,
  history: handleHistory,
  typing: handleTyping,
  react: handleReact,
};

/**
 * The amojo core, free of any HTTP framework. Order: route, channel (404: without a channel there is no secret to
 * check with), signature over the raw bytes (403), scope (404), then the body (400) and the endpoint's own rules.
 */
export function handleApiRequest(ctx: EmulatorContext, request: ApiRequest): ApiResponse {
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const route = matchApiRoute(request.method, path);
  if (route.kind === 'not_found') return notFound('route');
  if (route.kind === 'method_not_allowed') return textResponse(405, 'method not allowed', { Allow: route.allow });
  if (route.channelId !== ctx.channelId) return notFound('channel');

  const verdict = verifyRequest({
    method: request.method,
    path,
    headers: request.headers,
    body: request.body,
    secret: ctx.secret,
    now: ctx.now(),
  });
  // amojo answers 403 with an empty body; the reason goes to a header only people and tests read.
  if (!verdict.ok) {
    return { status: 403, headers: { 'X-Emulator-Reject': `${verdict.reason}: ${verdict.detail}` } };
  }

  const input: RouteInput = {
    ctx,
    params: route.params,
    query: new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1)),
    body: request.body,
  };
  const channelHandler = CHANNEL_ROUTES[route.name];
  if (channelHandler) return channelHandler(input);
  const scopeId = route.params.scope_id!;
  const connection = ctx.store.connectedScope(scopeId);
  if (!connection) return notFound(`scope ${scopeId}`);
  return SCOPED_ROUTES[route.name]!({ ...input, connection });
}
