import { z } from 'zod/mini';

/**
 * The closed set of error codes the link API answers with. The backend maps each code to exactly one HTTP status
 * (`linkErrorStatus`) in one place; the widget maps each code to a message in the admin's language.
 */
export const linkErrorCodes = [
  // 400: the body is not JSON or fails the request schema; `issues` names every offending field.
  'invalid_request',
  // 415: a body was sent without `Content-Type: application/json`.
  'unsupported_media_type',
  // 413: the body is larger than the backend accepts.
  'payload_too_large',
  // 401: the `X-Auth-Token` header is absent.
  'auth_missing',
  // 401: the token fails verification: alg other than HS256, bad signature, wrong aud, iss or client_uuid.
  'auth_invalid',
  // 401: the token's exp has passed or its nbf lies in the future, beyond the allowed clock leeway.
  'auth_expired',
  // 401: the token's jti was already used; one-time tokens are accepted once.
  'auth_replayed',
  // 409: the backend holds no working installation (OAuth grant) for the token's account: never installed, removed,
  // or its refresh token was refused. `grant_url` opens amoCRM's access popup.
  'account_not_installed',
  // 403: the caller is not an admin of the account (amoCRM's users API, `rights.is_admin`); only GET is open to all.
  'admin_required',
  // 403: the amojo_id in the body is not the chat id amoCRM reports for the token's account (GET /api/v4/account).
  'amojo_id_mismatch',
  // 409: the amojo_id is already linked to a different account; an amojo id is never rebound.
  'amojo_id_taken',
  // 422: webhook_url is a valid URL that policy refuses (plain http outside the sandbox, a private or loopback
  // address, embedded credentials); `issues` carries the path `webhook_url`.
  'webhook_url_not_allowed',
  // 404: rotate or test was called while the token's account has no link.
  'not_linked',
  'link_not_found',
  'link_limit_reached',
  'pipeline_not_found',
  // 502: amojo answered connect or disconnect with a 4xx (e.g. a private channel that does not list this account).
  'channel_rejected',
  // 503: amojo could not be reached, timed out or answered 5xx; the request may be retried (see Retry-After).
  'channel_unavailable',
  // 503: our own database is busy (SQLite's write lock held by another process past its busy timeout); the request
  // may be sent again after Retry-After.
  'storage_unavailable',
  // 429: too many requests from this account (test events are throttled); see Retry-After.
  'rate_limited',
  // 500: anything unexpected; the message is generic and never carries internals.
  'internal_error',
] as const;

export type LinkErrorCode = (typeof linkErrorCodes)[number];

/** The one HTTP status for each error code. */
export const linkErrorStatus: Readonly<Record<LinkErrorCode, number>> = {
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  auth_missing: 401,
  auth_invalid: 401,
  auth_expired: 401,
  auth_replayed: 401,
  account_not_installed: 409,
  admin_required: 403,
  amojo_id_mismatch: 403,
  amojo_id_taken: 409,
  webhook_url_not_allowed: 422,
  not_linked: 404,
  link_not_found: 404,
  link_limit_reached: 409,
  pipeline_not_found: 422,
  channel_rejected: 502,
  channel_unavailable: 503,
  storage_unavailable: 503,
  rate_limited: 429,
  internal_error: 500,
};

/** One field problem: `path` is the dotted field path (`webhook_url`), empty for the body as a whole. */
export const linkErrorIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});

/** The only error body the link API sends, for every non-2xx answer. */
export const linkErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(linkErrorCodes),
    message: z.string(),
    issues: z.optional(z.array(linkErrorIssueSchema)),
    /** With account_not_installed: amoCRM's access popup for this account (post_message mode). */
    grant_url: z.optional(z.string()),
  }),
});

export type LinkErrorIssue = z.infer<typeof linkErrorIssueSchema>;
export type LinkErrorBody = z.infer<typeof linkErrorBodySchema>;
