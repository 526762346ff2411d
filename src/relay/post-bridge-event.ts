import { signBridgeDelivery } from '../bridge/sign-bridge-delivery';
import type { BridgeOutboundEvent } from '../contracts/bridge';
import { type BridgeDeliveryResponse, parseBridgeDeliveryResponse } from '../contracts/bridge';
import { EgressRefusedError } from '../egress/egress-refused-error';
import { parseRetryAfter } from '../http/parse-retry-after';
import type { LiveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/** Names the event without parsing the body, for the messenger's logs (the widget's test event sends it too). */
export const BRIDGE_EVENT_ID_HEADER = 'X-Channel-Event-Id';

export type BridgePostResult =
  | { ok: true; status: number; response: BridgeDeliveryResponse }
  | { ok: false; status: number; retryAfterMs: number | undefined }
  /** `aborted`: the job's deadline cut the attempt short; not the messenger's doing, so the breaker ignores it. */
  | { ok: false; status: 'timeout' | 'network_error' | 'egress_refused' | 'aborted'; retryAfterMs: undefined };

/**
 * One signed POST of an event to the link's webhook URL, with a fresh timestamp and signature on every attempt.
 * Redirects are not followed: the URL passed the link's policy checks, the place it redirects to did not.
 */
export async function postBridgeEvent(
  deps: Pick<RelayDeps, 'fetch' | 'now' | 'signingSecretOf' | 'deliveryTimeoutMs' | 'metrics'>,
  link: LiveLink,
  event: BridgeOutboundEvent,
): Promise<BridgePostResult> {
  const body = Buffer.from(JSON.stringify(event), 'utf8');
  const now = deps.now();
  const signature = signBridgeDelivery({
    secret: deps.signingSecretOf(link),
    timestamp: Math.floor(now / 1000),
    body,
  });
  const timeout = AbortSignal.timeout(deps.deliveryTimeoutMs);
  let result: BridgePostResult;
  try {
    const response = await deps.fetch(link.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [BRIDGE_EVENT_ID_HEADER]: event.id, ...signature },
      body,
      redirect: 'manual',
      signal: timeout,
    });
    const text = await response.text();
    result =
      response.status >= 200 && response.status < 300
        ? { ok: true, status: response.status, response: parseBridgeDeliveryResponse(text) }
        : {
            ok: false,
            status: response.status,
            retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), new Date(now)) ?? undefined,
          };
  } catch (error) {
    // A refused address stays refused on every attempt: final at once, not a network error retried for minutes.
    const status =
      error instanceof EgressRefusedError
        ? 'egress_refused'
        : timeout.aborted
          ? 'timeout'
          : isAbort(error)
            ? 'aborted'
            : 'network_error';
    result = { ok: false, status, retryAfterMs: undefined };
  }
  deps.metrics?.bridgeCalls.inc({ kind: event.type, outcome: String(result.status) });
  return result;
}

/**
 * An abort that is not this call's own timeout: the job's signal (joined into the fetch by the worker) fired, and
 * fetch rejects with its reason (the runner's RelayJobError) or, without one, an AbortError.
 */
function isAbort(error: unknown): boolean {
  return error instanceof RelayJobError || (error instanceof Error && error.name === 'AbortError');
}
