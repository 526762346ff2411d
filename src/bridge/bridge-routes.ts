import { IncomingMessage } from 'node:http';
import { type Context, Hono } from 'hono';
import { z } from 'zod/mini';
import {
  bridgeEditRequest,
  bridgeHistoryImportRequest,
  bridgeId,
  bridgeMessageRequest,
  bridgePaths,
  bridgeReactionRequest,
  bridgeReceiptRequest,
  bridgeTypingRequest,
} from '../contracts/bridge';
import { answerOtherMethods } from '../http/answer-other-methods';
import { AppError } from '../http/app-error';
import { acceptEdit } from './accept-edit';
import { acceptHistoryImport } from './accept-history-import';
import { acceptReaction } from './accept-reaction';
import { acceptReceipt } from './accept-receipt';
import { acceptTyping } from './accept-typing';
import { authenticateBridge, type BridgeLink } from './authenticate-bridge';
import type { BridgeDeps } from './bridge-deps';
import { bridgeMeOf } from './bridge-me-of';
import { clientMessageStatus } from './client-message-status';
import { conversationStatus } from './conversation-status';
import { type BridgeMessages, createBridgeMessages } from './create-bridge-messages';
import { createTypingThrottle } from './create-typing-throttle';
import { historyImportStatus } from './history-import-status';
import { readBridgeBody } from './read-bridge-body';
import { signedJsonResponse } from './signed-json-response';

/** The node:http request under @hono/node-server (absent under app.request() and other runtimes). */
function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

function pathId(c: Context): string {
  const id = c.req.param('id') ?? '';
  const checked = z.safeParse(bridgeId, id);
  if (!checked.success) {
    throw new AppError('invalid_request', 'The id in the path is not a valid id.', {
      issues: [{ path: 'id', message: checked.error.issues[0]?.message ?? 'invalid' }],
    });
  }
  return id;
}

/**
 * The messenger bridge's inbound API (docs/bridge.md). Every route authenticates with the link's API key first,
 * then checks content type, size, JSON and schema (in that order), then writes the work durably and answers 202.
 * The GET routes only read: the link itself (/me), a client message's fate, a history import's progress, a
 * conversation's amoCRM chat and contact.
 */
export function bridgeRoutes(deps: BridgeDeps, messages: BridgeMessages = createBridgeMessages(deps)): Hono {
  const { limits, limitRate } = messages;
  const throttle = createTypingThrottle({ intervalMs: limits.typingIntervalMs });
  const app = new Hono();
  const read = <S extends z.core.$ZodType>(c: Context, schema: S, maxBytes = limits.bodyBytes) =>
    readBridgeBody(c.req.raw, schema, maxBytes, incomingOf(c));
  // Authentication comes before anything else about the request, the body included.
  // After a 202 the work is on disk; waking the relay of this process saves it a poll interval.
  // The rate limit comes right after: it is per link, and counting before the body is read keeps a flood cheap.
  const authed = (handler: (c: Context, link: BridgeLink) => Promise<Response>) => async (c: Context) => {
    const link = await authenticateBridge(deps.db, c.req.header('authorization'));
    await limitRate(link);
    const response = await handler(c, link);
    if (response.status === 202) deps.onAccepted?.();
    return response;
  };

  // Signed like a delivery: a 200 proves the key, and a signature that verifies proves the messenger's secret.
  app.get(
    bridgePaths.me,
    authed(async (_c, link) => signedJsonResponse(bridgeMeOf(link), deps.signingSecretOf(link), deps.now())),
  );
  // The same core as bridge-node-handler.ts, which serves this route ahead of the app in the backend.
  app.post(bridgePaths.messages, async (c) =>
    c.json(await messages.post(c.req.header('authorization'), () => read(c, bridgeMessageRequest)), 202),
  );
  app.get(
    bridgePaths.message,
    authed(async (c, link) => c.json(await clientMessageStatus(deps, link, pathId(c)))),
  );
  app.post(
    bridgePaths.edit,
    authed(async (c, link) => {
      const id = pathId(c);
      const body = await read(c, bridgeEditRequest);
      return c.json(await acceptEdit(deps, link, id, body), 202);
    }),
  );
  app.post(
    bridgePaths.typing,
    authed(async (c, link) => {
      const body = await read(c, bridgeTypingRequest);
      return c.json(await acceptTyping(deps, link, body, throttle, limits.typingIntervalMs), 202);
    }),
  );
  app.post(
    bridgePaths.reactions,
    authed(async (c, link) => {
      const body = await read(c, bridgeReactionRequest);
      return c.json(await acceptReaction(deps, link, body), 202);
    }),
  );
  app.post(
    bridgePaths.receipts,
    authed(async (c, link) => {
      const body = await read(c, bridgeReceiptRequest);
      return c.json(await acceptReceipt(deps, link, body), 202);
    }),
  );
  app.post(
    bridgePaths.historyImports,
    authed(async (c, link) => {
      const body = await read(c, bridgeHistoryImportRequest, limits.historyBodyBytes);
      return c.json(await acceptHistoryImport(deps, link, body), 202);
    }),
  );
  app.get(
    bridgePaths.historyImport,
    authed(async (c, link) => c.json(await historyImportStatus(deps, link, pathId(c)))),
  );
  app.get(
    bridgePaths.conversation,
    authed(async (c, link) => c.json(await conversationStatus(deps, link, pathId(c)))),
  );
  answerOtherMethods(app, [
    [bridgePaths.me, 'GET'],
    [bridgePaths.conversation, 'GET'],
    [bridgePaths.message, 'GET'],
    ...[bridgePaths.messages, bridgePaths.edit, bridgePaths.typing, bridgePaths.reactions, bridgePaths.receipts].map(
      (path) => [path, 'POST'] as const,
    ),
    [bridgePaths.historyImports, 'POST'],
    [bridgePaths.historyImport, 'GET'],
  ]);
  return app;
}
