import { signBridgeDelivery } from '../../../bridge/sign-bridge-delivery';
import type { BridgeTestEvent } from '../../../contracts/bridge';
import type { LinkTestResponse } from '../../../contracts/link';
import { EgressRefusedError } from '../../../egress/egress-refused-error';
import type { FetchLike } from '../../../egress/fetch-like';

export interface TestEventInput {
  fetch: FetchLike;
  url: string;
  signingSecret: string;
  eventId: string;
  now: Date;
  timeoutMs: number;
}

/** Header naming the event, so the messenger can log it and tell tests from real deliveries without parsing. */
export const BRIDGE_EVENT_ID_HEADER = 'X-Channel-Event-Id';

/**
 * Posts one signed `test` event to the messenger's webhook URL and reports what happened there. Redirects are not
 * followed (a 3xx is an http_error), so a webhook cannot bounce the backend to an address the URL policy refused.
 * A request the egress guard refused rejects with EgressRefusedError instead of a result: an outcome would carry a
 * duration and an "unreachable", which is what a port scan reads (test-link.ts answers 422 without either).
 */
export async function sendTestEvent(input: TestEventInput): Promise<LinkTestResponse> {
  const event: BridgeTestEvent = {
    id: input.eventId,
    type: 'test',
    created_at: input.now.toISOString(),
    text: 'Test event from the amoCRM widget: the link to this messenger works.',
  };
  const body = JSON.stringify(event);
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  const result = (outcome: LinkTestResponse['outcome'], status: number | null): LinkTestResponse => ({
    outcome,
    http_status: status,
    duration_ms: elapsed(),
    event_id: input.eventId,
  });
  const signal = AbortSignal.timeout(input.timeoutMs);
  try {
    const response = await input.fetch(input.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...signBridgeDelivery({ secret: input.signingSecret, timestamp, body: Buffer.from(body) }),
        [BRIDGE_EVENT_ID_HEADER]: input.eventId,
      },
      body,
      redirect: 'manual',
      signal,
    });
    // The answer's body is of no interest; reading it (capped by the transport) frees the connection.
    await response.text().catch(() => {});
    const status = response.status >= 100 && response.status <= 599 ? response.status : null;
    return result(response.status >= 200 && response.status < 300 ? 'delivered' : 'http_error', status);
  } catch (error) {
    if (error instanceof EgressRefusedError) throw error;
    return result(signal.aborted ? 'timeout' : 'unreachable', null);
  }
}
