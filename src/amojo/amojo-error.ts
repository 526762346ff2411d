/** The closed set of ways an amojo call can fail; each maps to one retry decision. */
export type AmojoErrorCode =
  /** 403: wrong secret, wrong channel or a clock more than 15 min off. Never retried. */
  | 'forbidden'
  /** 400: amojo (or our own contract check, before sending) refused the body; `details` carries why. */
  | 'invalid_request'
  /** 404: unknown channel, scope, chat or message. */
  | 'not_found'
  /** 429: `retryAfterMs` holds amojo's Retry-After when it sent one. */
  | 'rate_limited'
  /** 5xx from amojo. */
  | 'upstream_error'
  /** The request never got an HTTP answer (DNS, reset, refused). */
  | 'network_error'
  /** No answer within the per-call timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired. Never retried. */
  | 'aborted'
  /** A 2xx whose body does not match the documented shape. */
  | 'invalid_response';

const RETRYABLE: ReadonlySet<AmojoErrorCode> = new Set(['rate_limited', 'upstream_error', 'network_error', 'timeout']);

export interface AmojoErrorInit {
  endpoint: string;
  status?: number;
  retryAfterMs?: number;
  /** amojo's error body, or our list of contract issues; never secrets or headers. */
  details?: unknown;
  cause?: unknown;
}

export class AmojoError extends Error {
  override readonly name = 'AmojoError';
  readonly code: AmojoErrorCode;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(code: AmojoErrorCode, message: string, init: AmojoErrorInit) {
    super(`amojo ${init.endpoint}: ${message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }

  /** Network trouble, timeouts, 429 and 5xx are safe to retry; a new signature is made per attempt. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isAmojoError(value: unknown): value is AmojoError {
  return value instanceof AmojoError;
}
