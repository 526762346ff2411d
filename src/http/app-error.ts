import { type LinkErrorCode, linkErrorStatus } from '../contracts/link';

/**
 * Every error the HTTP edge can answer with: the widget link API's codes (src/contracts/link)
 * plus those of the amojo webhook and the bridge. Each has exactly one HTTP status, here.
 */
export const appErrorStatus = {
  ...linkErrorStatus,
  /** 401: a hook's X-Signature (or a bridge delivery's) does not verify. */
  signature_invalid: 401,
  /** 404: the webhook's scope id is not a linked scope of this channel. */
  unknown_scope: 404,
  /** 403: the hook's account_id is not the account the scope belongs to. */
  scope_mismatch: 403,
  /** 404: no such route or resource, including another account's resources. */
  not_found: 404,
  /** 405: the route exists but not for this method. */
  method_not_allowed: 405,
  /** 409: the idempotency key was used before with a different body. */
  idempotency_conflict: 409,
  /**
   * 409: a bridge request would start a conversation under an id another number (link) of the same account already
   * uses; the account's numbers share one amojo scope, where that id names one chat.
   */
  conversation_id_taken: 409,
  /** 403: a /media link whose signature does not verify. */
  media_link_invalid: 403,
  /** 410: a /media link past its expiry. */
  media_link_expired: 410,
  /** 401: METRICS_TOKEN is set and /metrics came without `Authorization: Bearer <it>`. */
  metrics_auth_invalid: 401,
} as const satisfies Record<LinkErrorCode, number> & Record<string, number>;

export type AppErrorCode = keyof typeof appErrorStatus;

export interface AppErrorIssue {
  path: string;
  message: string;
}

export interface AppErrorInit {
  issues?: AppErrorIssue[];
  /** Seconds, sent as Retry-After on 429 and 503. */
  retryAfter?: number;
  /** account_not_installed: amoCRM's access popup for the caller's account, sent as `grant_url`. */
  grantUrl?: string;
  cause?: unknown;
}

/** The one error type the HTTP layer renders; the message is shown to callers, so it never holds internals. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  readonly issues: AppErrorIssue[] | undefined;
  readonly retryAfter: number | undefined;
  readonly grantUrl: string | undefined;

  constructor(code: AppErrorCode, message: string, init: AppErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.issues = init.issues;
    this.retryAfter = init.retryAfter;
    this.grantUrl = init.grantUrl;
  }

  get status(): number {
    return appErrorStatus[this.code];
  }
}
