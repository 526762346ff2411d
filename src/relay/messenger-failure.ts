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
 */
export function messengerFailure(result: Exclude<BridgePostResult, { ok: true }>): MessengerFailure {
  const { status, retryAfterMs } = result;
  if (typeof status !== 'number') {
    const what = status === 'timeout' ? 'did not answer in time' : 'could not be reached';
    return {
      code: `messenger_${status}`,
      retryable: true,
      retryAfterMs,
      errorCode: 903,
      text: `The messenger ${what}.`,
    };
  }
  const code = `messenger_${status}`;
  if (isTransientStatus(status)) {
    const text = `The messenger kept failing to accept the message (HTTP ${status}).`;
    return { code, retryable: true, retryAfterMs, errorCode: 903, text };
  }
  if (status === 410) {
    return { code, retryable: false, retryAfterMs, errorCode: 901, text: 'The client deleted the conversation.' };
  }
  if (status === 401 || status === 403 || status === 404 || (status >= 300 && status < 400)) {
    const text = `The messenger is not accepting messages for this channel (HTTP ${status}); check its webhook URL.`;
    return { code, retryable: false, retryAfterMs, errorCode: 902, text };
  }
  return {
    code,
    retryable: false,
    retryAfterMs,
    errorCode: 905,
    text: `The messenger refused the message (HTTP ${status}).`,
  };
}
