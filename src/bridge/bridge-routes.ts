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
import { type JsonBodyWording, readJsonBody } from '../http/read-json-body';
import type { RateLimiter } from '../store/create-memory-rate-limits';
import { hitRateLimit } from '../store/rate-limits-repo';
import { acceptEdit } from './accept-edit';
import { acceptHistoryImport } from './accept-history-import';
import { acceptMessage } from './accept-message';
import { acceptReaction } from './accept-reaction';
import { acceptReceipt } from './accept-receipt';
import { acceptTyping } from './accept-typing';
import { authenticateBridge, type BridgeKeyMemory, type BridgeLink } from './authenticate-bridge';
import { type BridgeDeps, defaultBridgeLimits } from './bridge-deps';
import { bridgeMeOf } from './bridge-me-of';
import { clientMessageStatus } from './client-message-status';
import { conversationStatus } from './conversation-status';
import { createMessageCommitter } from './create-message-committer';
import { createTypingThrottle } from './create-typing-throttle';
import { historyImportStatus } from './history-import-status';
import { signedJsonResponse } from './signed-json-response';
import { StaleBridgeKey } from './stale-bridge-key';

/** The node:http request under @hono/node-server (absent under app.request() and other runtimes). */
function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** The bridge's own words for a refused body, as docs/bridge.md shows them; a malformed body names no field. */
const bridgeBodyWording: JsonBodyWording = {
  unsupportedMediaType: 'Send the body as JSON with Content-Type: application/json.',
  tooLarge: (maxBytes) => `The body is larger than the ${Math.floor(maxBytes / 1024)} KB this endpoint accepts.`,
  malformed: 'The body is not valid UTF-8 JSON.',
  malformedIssue: false,
  schemaMismatch: 'The body does not match the bridge contract; see issues.',
};

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
export function bridgeRoutes(deps: BridgeDeps): Hono {
  const limits = { ...defaultBridgeLimits, ...deps.limits };
  const throttle = createTypingThrottle({ intervalMs: limits.typingIntervalMs });
  // Concurrent messages share a transaction (one fsync); each is still answered only once it is on disk.
  const messages = createMessageCommitter(deps.db, deps);
  // The message route's keys, remembered: the committer re-checks each key in its write transaction, so a rotated,
  // unlinked or parked one is still refused (StaleBridgeKey, below). The other routes look the key up every time.
  const keys: BridgeKeyMemory = new Map();
  const app = new Hono();
  const rule = { limit: limits.requestsPerSecond, windowMs: 1000 };
  const hitLimit: RateLimiter = deps.rateLimiter ?? ((now, key, r) => hitRateLimit(deps.db, now, key, r));
  const limitRate = async (link: BridgeLink) => {
    if (!Number.isFinite(rule.limit)) return;
    const hit = await hitLimit(deps.now(), `bridge:${link.id}`, rule);
    if (hit.allowed) return;
    throw new AppError('rate_limited', 'Too many requests for this API key; retry after Retry-After seconds.', {
      retryAfter: Math.ceil(hit.retryAfterMs / 1000),
    });
  };
  const read = <S extends z.core.$ZodType>(c: Context, schema: S, maxBytes = limits.bodyBytes) =>
    readJsonBody(c.req.raw, schema, { maxBytes, incoming: incomingOf(c), wording: bridgeBodyWording });
  // Authentication comes before anything else about the request, the body included.
  // After a 202 the work is on disk; waking the relay of this process saves it a poll interval.
  // The rate limit comes right after: it is per link, and counting before the body is read keeps a flood cheap.
  const authed =
    (handler: (c: Context, link: BridgeLink) => Promise<Response>, remembered?: BridgeKeyMemory) =>
    async (c: Context) => {
      const link = await authenticateBridge(deps.db, c.req.header('authorization'), remembered);
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
  app.post(
    bridgePaths.messages,
    authed(async (c, link) => {
      const body = await read(c, bridgeMessageRequest);
      try {
        return c.json(await acceptMessage(deps, link, body, messages.commit), 202);
      } catch (error) {
        if (!(error instanceof StaleBridgeKey)) throw error;
        // The remembered key no longer opened its link when the batch was written: the database says why (401, 404
        // or 409); should the key open a link again by now (a race with a reinstall), the message goes to that.
        keys.delete(error.keyHash);
        const current = await authenticateBridge(deps.db, c.req.header('authorization'), keys);
        try {
          return c.json(await acceptMessage(deps, current, body, messages.commit), 202);
        } catch (again) {
          if (again instanceof StaleBridgeKey)
            throw new AppError('auth_invalid', 'The API key is not valid (it may have been rotated).');
          throw again;
        }
      }
    }, keys),
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
