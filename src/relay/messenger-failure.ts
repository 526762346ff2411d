import { isTransientStatus } from '../http/is-transient-status';
import type { BridgePostResult } from './post-bridge-event';

export interface MessengerFailure {
  /** Job error code (a metric label and the job's last_error). */
  code: string;
  retryable: boolean;
  retryAfterMs: number | undefined;
  /** What amojo's delivery_status -1 carries if this ends the delivery, in words a manager can act on. */
  errorCode: 901 | 902 | 903 | 905;
  text: string;
}

/**
 * A failed delivery to the messenger, classified. Timeouts, network errors, 408, 429 and 5xx are worth another
 * attempt (903 if they never stop). A 410 means the conversation is gone (901); 401, 403, 404 and redirects mean
 * the messenger does not take deliveries for this link any more (902); any other refusal is about this message (905).
 * The text names the most likely cause first, since the manager (and the admin they ask) acts on it: a messenger
 * that answers 401/403 was reached at the right URL and refused our signature, which after a relink or a rotation
 * almost always means it still holds the old signing secret.
 */
export function messengerFailure(result: Exclude<BridgePostResult, { ok: true }>): MessengerFailure {
  const { status, retryAfterMs } = result;
  if (status === 'egress_refused') {
    const text =
      'The messenger’s webhook URL is refused by this server’s egress policy (a private or internal address): ' +
      'use a public https address, or ask the operator to allow its network (EGRESS_ALLOW).';
    return { code: 'messenger_egress_refused', retryable: false, retryAfterMs, errorCode: 902, text };
  }
  if (typeof status !== 'number') {
    const text =
      status === 'timeout'
        ? 'The messenger did not answer in time.'
        : 'The messenger’s webhook URL could not be reached: check that the messenger is running and that the URL ' +
          'in the widget settings is right.';
    return { code: `messenger_${status}`, retryable: true, retryAfterMs, errorCode: 903, text };
  }
  const code = `messenger_${status}`;
  if (isTransientStatus(status)) {
    const text = `The messenger kept failing to accept the message (HTTP ${status}).`;
    return { code, retryable: true, retryAfterMs, errorCode: 903, text };
  }
  if (status === 410) {
    return { code, retryable: false, retryAfterMs, errorCode: 901, text: 'The client deleted the conversation.' };
  }
  const refusal = refusalText(status);
  if (refusal !== undefined) return { code, retryable: false, retryAfterMs, errorCode: 902, text: refusal };
  return {
    code,
    retryable: false,
    retryAfterMs,
    errorCode: 905,
    text: `The messenger refused the message (HTTP ${status}).`,
  };
}

/** Why a messenger refuses every delivery of the link, most likely cause first; undefined for other statuses. */
function refusalText(status: number): string | undefined {
  if (status === 401 || status === 403) {
    return (
      `The messenger refused our signature (HTTP ${status}): its signing secret is most likely stale. ` +
      'Paste the current signing secret from the widget settings into the messenger.'
    );
  }
  if (status === 404) {
    return 'The messenger has no webhook at this address (HTTP 404): check the webhook URL in the widget settings.';
  }
  if (status >= 300 && status < 400) {
    return `The webhook URL redirects (HTTP ${status}): put the final address into the widget settings.`;
  }
  return undefined;
}
