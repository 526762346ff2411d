import { Hono } from 'hono';
import { answerOtherMethods } from '../../http/answer-other-methods';
import { AppError } from '../../http/app-error';
import { errorResponse } from '../../http/error-response';
import { readCappedBody } from '../../http/read-capped-body';
import type { Logger } from '../../observability/create-logger';
import type { Metrics } from '../../observability/create-metrics';
import type { IngressResult, IngressRow } from '../../store/write-ingress-batch';
import { acceptAmojoHook } from './amojo-webhook/accept-amojo-hook';
import type { ScopeLookup } from './amojo-webhook/create-scope-lookup';
import { DEFAULT_HOOK_TIME_WINDOW, type HookTimeWindow } from './amojo-webhook/hook-time-issue';

export interface AmojoWebhookDeps {
  channelId: string;
  /** Current secret first, then AMOJO_CHANNEL_SECRET_PREVIOUS during a rotation. */
  secrets: readonly string[];
  /** createScopeLookup(db). */
  lookupScope: ScopeLookup;
  /** `createGroupCommit(db, writeIngressBatch()).append`: the inbox row and its job, durable before the 200. */
  persist: (row: IngressRow) => Promise<IngressResult>;
  /** Called after a new hook is on disk, e.g. to wake the relay worker of this process. */
  onAccepted?: (linkId: string) => void;
  now?: () => number;
  /** Larger bodies get 413 (default DEFAULT_HOOK_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  timeWindow?: HookTimeWindow;
  metrics?: Pick<Metrics, 'hookAckSeconds'>;
  logger?: Logger;
}

/**
 * 256 KB, the most a hook body may be; each body is held in memory before its signature is checked. The largest
 * documented hook is 1.8 KB (a list message, PHP-escaped), but the docs set no limit on text: this fits a message, its
 * quote and a forward of 10,000 non-Latin characters each at six escaped bytes apiece, with a full list message. A
 * refused hook is never resent, so the cap errs large (docs/decisions.md, "Hook bodies are capped").
 */
export const DEFAULT_HOOK_MAX_BODY_BYTES = 256 * 1024;

/**
 * `POST /amojo/webhook/:scopeId`, the channel's registered hook URL. Answers 200 only once the hook and its delivery
 * job are committed; a redelivered hook answers 200 again without new work. Refusals are JSON errors with a 4xx.
 */
export function amojoWebhookRoutes(deps: AmojoWebhookDeps): Hono {
  const answer = createHookAnswerer(deps);
  const routes = new Hono();
  routes.post('/amojo/webhook/:scopeId', async (c) => {
    const started = performance.now();
    const maxBytes = deps.maxBodyBytes ?? DEFAULT_HOOK_MAX_BODY_BYTES;
    const res = await answer(started, {
      scopeId: c.req.param('scopeId'),
      body: await readCappedBody(c.req.raw, maxBytes),
      signature: c.req.header('x-signature') ?? null,
    });
    return c.json(res.body, res.status as 200, res.headers);
  });
  answerOtherMethods(routes, [['/amojo/webhook/:scopeId', 'POST']]);
  return routes;
}

export interface HookRequest {
  scopeId: string;
  /** The raw bytes, or null when they went over maxBodyBytes. */
  body: Uint8Array | null;
  signature: string | null;
}

export interface HookResponse {
  status: number;
  headers: Record<string, string>;
  body: object;
}

/**
 * The answer to one hook, shared by the hono route and the bare node:http binding (amojo-webhook-node-handler.ts):
 * the core's verdict as status and JSON, with the ack latency recorded and the relay woken for new work.
 */
export function createHookAnswerer(deps: AmojoWebhookDeps) {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_HOOK_MAX_BODY_BYTES;
  const core = {
    channelId: deps.channelId,
    secrets: deps.secrets,
    lookupScope: deps.lookupScope,
    persist: deps.persist,
    now: deps.now ?? Date.now,
    timeWindow: deps.timeWindow ?? DEFAULT_HOOK_TIME_WINDOW,
  };
  return async (started: number, request: HookRequest): Promise<HookResponse> => {
    const observe = (outcome: string) =>
      deps.metrics?.hookAckSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    try {
      if (request.body === null)
        throw new AppError('payload_too_large', `The body is larger than ${maxBodyBytes} bytes.`);
      const accepted = await acceptAmojoHook(core, { ...request, body: request.body });
      if (accepted.result === 'new') deps.onAccepted?.(accepted.linkId);
      observe(accepted.result);
      return { status: 200, headers: {}, body: { status: accepted.result === 'new' ? 'accepted' : 'duplicate' } };
    } catch (error) {
      if (!(error instanceof AppError)) {
        observe('error');
        throw error;
      }
      observe(error.code);
      deps.logger?.warn({ code: error.code, scope: request.scopeId }, 'amojo hook refused');
      return errorResponse(error);
    }
  };
}
