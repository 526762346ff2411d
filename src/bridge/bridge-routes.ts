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
import { acceptMessage } from './accept-message';
import { acceptReaction } from './accept-reaction';
import { acceptReceipt } from './accept-receipt';
import { acceptTyping } from './accept-typing';
import { authenticateBridge, type BridgeLink } from './authenticate-bridge';
import { type BridgeDeps, defaultBridgeLimits } from './bridge-deps';
import { createMessageCommitter } from './create-message-committer';
import { historyImportStatus } from './history-import-status';
import { readJsonBody } from './read-json-body';
import { createTypingThrottle } from './typing-throttle';

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
 */
export function bridgeRoutes(deps: BridgeDeps): Hono {
  const limits = { ...defaultBridgeLimits, ...deps.limits };
  const throttle = createTypingThrottle(limits.typingIntervalMs);
  // Concurrent messages share a transaction (one fsync); each is still answered only once it is on disk.
  const messages = createMessageCommitter(deps.db, deps);
  const app = new Hono();
  // Authentication comes before anything else about the request, the body included.
  // After a 202 the work is on disk; waking the relay of this process saves it a poll interval.
  const authed = (handler: (c: Context, link: BridgeLink) => Promise<Response>) => async (c: Context) => {
    const response = await handler(c, await authenticateBridge(deps.db, c.req.header('authorization')));
    if (response.status === 202) deps.onAccepted?.();
    return response;
  };

  app.post(
    bridgePaths.messages,
    authed(async (c, link) => {
      const { body } = await readJsonBody(c.req.raw, bridgeMessageRequest, limits.bodyBytes, incomingOf(c));
      return c.json(await acceptMessage(deps, link, body, messages.commit), 202);
    }),
  );
  app.post(
    bridgePaths.edit,
    authed(async (c, link) => {
      const id = pathId(c);
      const { body } = await readJsonBody(c.req.raw, bridgeEditRequest, limits.bodyBytes, incomingOf(c));
      return c.json(await acceptEdit(deps, link, id, body), 202);
    }),
  );
  app.post(
    bridgePaths.typing,
    authed(async (c, link) => {
      const { body } = await readJsonBody(c.req.raw, bridgeTypingRequest, limits.bodyBytes, incomingOf(c));
      return c.json(await acceptTyping(deps, link, body, throttle, limits.typingIntervalMs), 202);
    }),
  );
  app.post(
    bridgePaths.reactions,
    authed(async (c, link) => {
      const { body } = await readJsonBody(c.req.raw, bridgeReactionRequest, limits.bodyBytes, incomingOf(c));
      return c.json(await acceptReaction(deps, link, body), 202);
    }),
  );
  app.post(
    bridgePaths.receipts,
    authed(async (c, link) => {
      const { body } = await readJsonBody(c.req.raw, bridgeReceiptRequest, limits.bodyBytes, incomingOf(c));
      return c.json(await acceptReceipt(deps, link, body), 202);
    }),
  );
  app.post(
    bridgePaths.historyImports,
    authed(async (c, link) => {
      const { body } = await readJsonBody(
        c.req.raw,
        bridgeHistoryImportRequest,
        limits.historyBodyBytes,
        incomingOf(c),
      );
      return c.json(await acceptHistoryImport(deps, link, body), 202);
    }),
  );
  app.get(
    bridgePaths.historyImport,
    authed(async (c, link) => c.json(await historyImportStatus(deps, link, pathId(c)))),
  );
  answerOtherMethods(app, [
    ...[bridgePaths.messages, bridgePaths.edit, bridgePaths.typing, bridgePaths.reactions, bridgePaths.receipts].map(
      (path) => [path, 'POST'] as const,
    ),
    [bridgePaths.historyImports, 'POST'],
    [bridgePaths.historyImport, 'GET'],
  ]);
  return app;
}
