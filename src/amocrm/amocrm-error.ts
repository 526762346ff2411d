/** The closed set of ways an amoCRM call (REST or OAuth) can fail; each maps to one retry decision. */
export type AmocrmErrorCode =
  /** 401 on a REST call: the token is wrong, expired or revoked (integration disabled). The client refreshes once. */
  | 'unauthorized'
  /** 400/401 from /oauth2/access_token: the code or refresh token is expired, used or revoked. Never retried. */
  | 'grant_refused'
  /** 403: not enough rights (a non-admin's token on an admin-only call), or the account is blocked. */
  | 'forbidden'
  /** 402: the account's subscription ended. Not a token failure. */
  | 'payment_required'
  /** 404, and 204 where a body was expected. */
  | 'not_found'
  /** 400 on a REST call: amoCRM refused the body; `details` carries its validation errors. */
  | 'invalid_request'
  /** 429: `retryAfterMs` holds Retry-After when amoCRM sent one. */
  | 'rate_limited'
  /** 5xx. */
  | 'upstream_error'
  /** No HTTP answer (DNS, reset, refused). */
  | 'network_error'
  /** No answer within the per-call timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** A 2xx whose body does not match the documented shape, or an answer no call expects (a redirect, over the cap). */
  | 'invalid_response';

const RETRYABLE: ReadonlySet<AmocrmErrorCode> = new Set(['rate_limited', 'upstream_error', 'network_error', 'timeout']);

export interface AmocrmErrorInit {
  /** `GET /api/v4/account`, `POST /oauth2/access_token`: method and path, never the host or the query. */
  endpoint: string;
  status?: number;
  retryAfterMs?: number;
  /** amoCRM's problem body or our contract issues; never tokens, secrets or headers. */
  details?: unknown;
  cause?: unknown;
  /**
   * Overrides the code's retry decision. Our own per-account queue refusing a call (`rate_limited`, queue full) sets
   * `false`: retrying inside the call would only add to the queue it was refused by; the caller backs off instead.
   */
  retryable?: boolean;
}

export class AmocrmError extends Error {
  override readonly name = 'AmocrmError';
  readonly code: AmocrmErrorCode;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;
  readonly #retryable: boolean | undefined;

  constructor(code: AmocrmErrorCode, message: string, init: AmocrmErrorInit) {
    super(`amoCRM ${init.endpoint}: ${message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
    this.#retryable = init.retryable;
  }

  /** Network trouble, timeouts, 429 and 5xx are safe to retry (`withRetry` reads this). */
  get retryable(): boolean {
    return this.#retryable ?? RETRYABLE.has(this.code);
  }
}
