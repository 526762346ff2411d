import { z } from 'zod/mini';
import { verifyBridgeDelivery } from '../../bridge/verify-bridge-delivery';
import type { BridgeOutboundEvent } from '../../contracts/bridge';
import { bridgeOutboundEvent } from '../../contracts/bridge';
import { applyOutboundEvent } from './apply-outbound-event';
import type { MessengerState } from './messenger-state';

export interface WebhookDeps {
  state: MessengerState;
  /** The link's signing secret as the admin pasted it; undefined until then. */
  signingSecret: string | undefined;
  now: () => number;
  newId: () => string;
  /** Which number's webhook this is (`/webhook/<id>`); conversations the events open belong to it. */
  numberId: string;
  /** undefined for the first number, whose conversation ids carry no number id (see client-identity.ts). */
  identityNumberId?: string | undefined;
}

export interface WebhookRequest {
  body: Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
  /** `X-Channel-Event-Id`, used only to name a test event that does not carry its id in the body. */
  eventIdHeader: string | undefined;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

const failure = (status: number, code: string, message: string): WebhookResponse => ({
  status,
  body: { error: { code, message } },
});

/** A `test` event in an older shape (`event_id`, `occurred_at`): still proof the URL and signature work. */
const legacyTest = z.looseObject({ type: z.literal('test'), event_id: z.optional(z.string()) });

function parseEvent(json: unknown, eventIdHeader: string | undefined): BridgeOutboundEvent | undefined {
  const parsed = z.safeParse(bridgeOutboundEvent, json);
  if (parsed.success) return parsed.data;
  const test = z.safeParse(legacyTest, json);
  const id = test.success ? (test.data.event_id ?? eventIdHeader) : undefined;
  return id === undefined ? undefined : { type: 'test', id, created_at: '' };
}

const signatureReasons: Record<'missing' | 'stale' | 'mismatch', string> = {
  missing: 'The delivery carries no X-Channel-Timestamp / X-Channel-Signature headers.',
  stale: 'The delivery is signed more than 5 minutes from this messenger’s clock.',
  mismatch:
    'The signature does not match the signing secret saved here: it is most likely stale (the link was rotated ' +
    'or relinked). Paste the current one from the widget panel.',
};

/**
 * `POST /webhook`, as any messenger should take a delivery: check the signature over the exact bytes first (a
 * missing, stale or wrong one is 401), then the event, then dedupe on its id so a redelivery shows once and gets
 * the same answer (the same `message_id`) as the first delivery. Every refusal is also kept for the page: the
 * backend retries or gives up quietly, and the admin should see why without reading a log.
 */
export function handleWebhook(deps: WebhookDeps, request: WebhookRequest): WebhookResponse {
  const response = takeDelivery(deps, request);
  if (response.status >= 400) {
    const error = (response.body as { error: { code: string; message: string } }).error;
    deps.state.recordRefusal({
      at: deps.now(),
      status: response.status,
      code: error.code,
      reason: error.message,
      ...(request.eventIdHeader === undefined ? {} : { eventId: request.eventIdHeader.slice(0, 200) }),
      numberId: deps.numberId,
    });
    deps.state.changed();
  }
  return response;
}

function takeDelivery(deps: WebhookDeps, request: WebhookRequest): WebhookResponse {
  if (deps.signingSecret === undefined) {
    // 503 rather than 401: the backend retries, and nothing is lost while the admin pastes the secret.
    return failure(503, 'not_configured', 'No signing secret is saved here yet: paste it into the settings.');
  }
  const verdict = verifyBridgeDelivery({
    secrets: [deps.signingSecret],
    timestamp: request.timestamp,
    signature: request.signature,
    body: request.body,
    now: Math.floor(deps.now() / 1000),
  });
  if (verdict !== 'ok') return failure(401, `signature_${verdict}`, signatureReasons[verdict]);

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(request.body).toString('utf8'));
  } catch {
    return failure(400, 'invalid_json', 'The body is not JSON.');
  }
  const event = parseEvent(json, request.eventIdHeader);
  if (event === undefined) return failure(400, 'invalid_event', 'The body is not a bridge event this messenger knows.');

  const { state } = deps;
  const known = state.answerFor(event.id);
  if (known !== undefined) return { status: 200, body: { ...known, duplicate: true } };
  const now = deps.now();
  const answer = applyOutboundEvent(
    { state, now, newId: deps.newId, numberId: deps.numberId, identityNumberId: deps.identityNumberId },
    event,
  );
  const test = event.type === 'test' ? (event.text === undefined ? {} : { text: event.text }) : undefined;
  state.recordEvent({ id: event.id, type: event.type, receivedAt: now }, answer, test);
  state.changed();
  return { status: 200, body: answer };
}
