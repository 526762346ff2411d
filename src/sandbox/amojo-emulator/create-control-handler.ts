import { ControlError } from '../control-api/control-error';
import { type ApiResponse, jsonResponse } from './api-response';
import type { ControlApi } from './create-control-api';
import type { InspectionApi } from './create-inspection-api';

export interface ControlRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly body: Uint8Array;
}

type Handler = (params: readonly string[], body: () => unknown) => unknown;

/**
 * The control API under /_control: JSON in, JSON out, never signed (it stands for the amoCRM UI, not for amojo).
 * Routes are listed in the README with curl examples.
 */
export function createControlHandler(control: ControlApi, inspect: InspectionApi) {
  const routes: readonly [string, RegExp, Handler][] = [
    ['GET', /^\/_control\/state$/, () => stateOf(inspect)],
    ['GET', /^\/_control\/connections$/, () => inspect.listConnections()],
    ['GET', /^\/_control\/participants$/, () => inspect.listParticipants()],
    ['GET', /^\/_control\/chats$/, () => inspect.listChats()],
    ['GET', /^\/_control\/chats\/([^/]+)\/messages$/, ([chatId]) => messagesOf(inspect, chatId!)],
    ['GET', /^\/_control\/messages\/([^/]+)$/, ([messageId]) => messageOf(inspect, messageId!)],
    ['GET', /^\/_control\/typing$/, () => inspect.listTypingEvents()],
    ['GET', /^\/_control\/hooks$/, () => inspect.listHookDeliveries()],
    ['GET', /^\/_control\/misbehave$/, () => inspect.pendingMisbehaviour()],
    ['POST', /^\/_control\/messages$/, (_, body) => control.sendMessage(body() as never)],
    ['POST', /^\/_control\/write-first$/, (_, body) => control.startWriteFirst(body() as never)],
    ['POST', /^\/_control\/typing$/, (_, body) => control.typing(body() as never)],
    ['POST', /^\/_control\/reactions$/, (_, body) => control.react(body() as never)],
    ['POST', /^\/_control\/misbehave$/, (_, body) => accepted(() => control.misbehave(body() as never), inspect)],
    ['DELETE', /^\/_control\/misbehave$/, () => accepted(() => control.clearMisbehaviour(), inspect)],
    ['GET', /^\/_control\/hook-delivery$/, () => control.hookDelivery()],
    ['POST', /^\/_control\/hook-delivery$/, (_, body) => control.setHookDelivery(body() as never)],
  ];

  return async function handleControlRequest(request: ControlRequest): Promise<ApiResponse> {
    const body = () => {
      try {
        return JSON.parse(new TextDecoder().decode(request.body));
      } catch {
        throw new ControlError(400, 'body is not valid JSON');
      }
    };
    let pathMatched = false;
    for (const [method, pattern, handler] of routes) {
      const match = pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (method !== request.method) continue;
      try {
        return jsonResponse(200, await handler(match.slice(1).map(decodeSegment), body));
      } catch (error) {
        if (!(error instanceof ControlError)) throw error;
        return jsonResponse(error.status, {
          error: error.message,
          ...(error.errors.length ? { errors: error.errors } : {}),
        });
      }
    }
    return jsonResponse(pathMatched ? 405 : 404, {
      error: pathMatched ? 'method not allowed' : 'no such control route',
    });
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ControlError(400, `malformed path segment ${segment}`);
  }
}

function stateOf(inspect: InspectionApi) {
  return {
    connections: inspect.listConnections(),
    participants: inspect.listParticipants(),
    chats: inspect.listChats().map((chat) => ({ ...chat, messages: inspect.listMessages(chat.id) })),
    typing: inspect.listTypingEvents(),
    hooks: inspect.listHookDeliveries(),
    misbehave: inspect.pendingMisbehaviour(),
  };
}

function messagesOf(inspect: InspectionApi, chatId: string) {
  if (!inspect.getChat(chatId)) throw new ControlError(404, `no chat ${chatId}`);
  return inspect.listMessages(chatId);
}

function messageOf(inspect: InspectionApi, messageId: string) {
  const message = inspect.getMessage(messageId);
  if (!message) throw new ControlError(404, `no message ${messageId}`);
  return message;
}

function accepted(action: () => void, inspect: InspectionApi) {
  action();
  return { pending: inspect.pendingMisbehaviour() };
}
