import { AmocrmError } from '../amocrm/amocrm-error';
import { AmojoError } from '../amojo/amojo-error';
import type { JobEffect } from './job-effect';
import { RelayJobError } from './relay-job-error';

export interface JobFailure {
  code: string;
  retryable: boolean;
  retryAfterMs: number | undefined;
  onDead: JobEffect | undefined;
  /** Not a failure of the job: it goes back untried, due then (see RelayJobErrorInit.holdUntil). */
  holdUntil?: number | undefined;
  /** Held only for another delivery's probe (RelayJobErrorInit.holdForProbe). */
  holdForProbe?: boolean | undefined;
}

/**
 * A handler's failure as a retry decision. amojo errors keep the client's classification (network, timeouts, 429
 * and 5xx retry; 400 and 403 do not: a replay after fixing the cause is the way on). Anything unexpected, such as
 * a database hiccup, is retried: giving up on a message is worse than trying again later.
 */
export function classifyJobError(error: unknown): JobFailure {
  if (error instanceof RelayJobError) {
    return {
      code: error.code,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      onDead: error.onDead,
      holdUntil: error.holdUntil,
      holdForProbe: error.holdForProbe,
    };
  }
  if (error instanceof AmojoError) {
    return {
      code: `amojo_${error.code}`,
      retryable: error.retryable || error.code === 'invalid_response',
      retryAfterMs: error.retryAfterMs,
      onDead: undefined,
    };
  }
  if (error instanceof AmocrmError) {
    return {
      code: `amocrm_${error.code}`,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      onDead: undefined,
    };
  }
  return { code: 'internal_error', retryable: true, retryAfterMs: undefined, onDead: undefined };
}
