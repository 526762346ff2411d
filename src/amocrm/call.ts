import { safeParse, type z } from 'zod/mini';
import { problemBody } from '../contracts/amocrm';
import { formatIssues } from '../contracts/format-issues';
import type { FetchLike, ResponseLike } from '../egress/fetch-like';
import { NOT_JSON, parseAnswerJson } from '../http/parse-answer-json';
import { parseRetryAfter } from '../http/parse-retry-after';
import { AmocrmError } from './amocrm-error';

export interface AmocrmTransport {
  fetch: FetchLike;
  now: () => Date;
  timeoutMs: number;
  /** Larger answers are refused (default 1 MiB): every answer we read is a small JSON object. */
  maxResponseBytes?: number | undefined;
}

export interface AmocrmRequest<S extends z.ZodMiniType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The account's origin (`https://acme.amocrm.ru`, or AMOCRM_API_BASE_URL). */
  baseUrl: string;
  path: string;
  /** An array value repeats its key (`filter[external_id][]=a&filter[external_id][]=b`), as PHP reads arrays. */
  query?: Record<string, string | number | readonly string[]> | undefined;
  /** Sent as `Authorization: Bearer`; absent for the token endpoint, which authenticates with its body. */
  accessToken?: string | undefined;
  /** Serialized as JSON. */
  body?: unknown;
  /** What a 2xx must look like; a 204 (or an empty 2xx) where a body is expected is `not_found`. */
  schema: S;
  /**
   * Values that must never reach an error (tokens, the client secret, a code): amoCRM's answer is scrubbed of them
   * before it becomes `details`, in case an error body echoes the request. The access token is always among them.
   */
  secrets?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_DETAIL_CHARS = 2000;
const MAX_SUMMARY_CHARS = 300;
const REDACTED = '[redacted]';
/** What of a problem+json body is kept as `details`: the documented fields and the two error lists (crm-rest §7). */
const PROBLEM_FIELDS = ['title', 'type', 'status', 'detail', 'hint', 'validation-errors', 'errors'] as const;

/**
 * The one place that talks to amoCRM's REST and OAuth endpoints: one attempt, every non-2xx or transport failure an
 * AmocrmError with one code, every 2xx parsed with its contract. Retries, the rate limit and token refresh wrap it
 * (create-amocrm-client.ts, oauth-grant.ts). Nothing the caller authenticates with reaches an error.
 */
export async function callAmocrm<S extends z.ZodMiniType>(
  transport: AmocrmTransport,
  request: AmocrmRequest<S>,
): Promise<z.infer<S>> {
  const { method, path } = request;
  // The host names the account and the query may carry ids: neither belongs in a log line or a metric label.
  const endpoint = `${method} ${path}`;
  const url = request.baseUrl.replace(/\/+$/, '') + path + toQueryString(request.query);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.accessToken !== undefined) headers.Authorization = `Bearer ${request.accessToken}`;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const timeout = AbortSignal.timeout(request.timeoutMs ?? transport.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const maxBytes = transport.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  let response: ResponseLike;
  let text: string | null;
  try {
    response = await transport.fetch(url, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
      // A redirect would carry the Bearer token (or the client secret) to wherever amoCRM points; we follow none.
      redirect: 'manual',
    });
    text = Number(response.headers.get('content-length') ?? 0) > maxBytes ? null : await response.text();
    if (text !== null && Buffer.byteLength(text, 'utf8') > maxBytes) text = null;
  } catch (cause) {
    const code = request.signal?.aborted ? 'aborted' : timeout.aborted ? 'timeout' : 'network_error';
    // The cause names the URL at most (no token sits in one), and it stays off the serialized error.
    throw new AmocrmError(code, code === 'network_error' ? 'no HTTP answer' : code, { endpoint, cause });
  }

  const { status } = response;
  if (status >= 200 && status < 300) {
    if (text === null) throw new AmocrmError('invalid_response', `answer over ${maxBytes} bytes`, { endpoint, status });
    // amoCRM answers "nothing found" with 204 and no body (crm-rest §7); for a call that needs a body it is a miss.
    if (status === 204 || text.trim() === '')
      throw new AmocrmError('not_found', `${status} without a body`, { endpoint, status });
    const json = parseAnswerJson(text);
    if (json === NOT_JSON) throw new AmocrmError('invalid_response', 'answer is not JSON', { endpoint, status });
    const parsed = safeParse(request.schema, json);
    if (!parsed.success) {
      throw new AmocrmError('invalid_response', 'answer does not match the documented shape', {
        endpoint,
        status,
        details: formatIssues(parsed.error),
      });
    }
    return parsed.data;
  }

  const details =
    text === null ? undefined : errorDetails(text, [...(request.secrets ?? []), request.accessToken ?? '']);
  const init = details === undefined ? { endpoint, status } : { endpoint, status, details };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), transport.now());
    throw new AmocrmError('rate_limited', '429', retryAfterMs === null ? init : { ...init, retryAfterMs });
  }
  throw new AmocrmError(codeOf(status), summaryOf(status, details), init);
}

/**
 * The message of a refusal: the status, amoCRM's `detail` and the codes of its validation errors (`EntityNotFound
 * at id`), so a log line or a stored `source_error` says why without reading `details`. Built from the scrubbed
 * details, so no secret reaches it either.
 */
function summaryOf(status: number, details: unknown): string {
  if (details === null || typeof details !== 'object') return String(status);
  const problem = details as Record<string, unknown>;
  const codes: string[] = [];
  for (const list of [problem['validation-errors'], problem.errors]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      // validation-errors hold `errors: [...]`, a failed batch delete `errors: {...}` (crm-rest §4.2, §7).
      const inner = (item as { errors?: unknown } | null)?.errors;
      for (const error of Array.isArray(inner) ? inner : [inner]) {
        const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
        if (typeof code === 'string') codes.push(typeof path === 'string' && path !== '' ? `${code} at ${path}` : code);
      }
    }
  }
  const detail = typeof problem.detail === 'string' ? problem.detail : '';
  const parts = [String(status), detail, codes.length > 0 ? `(${[...new Set(codes)].join(', ')})` : '']
    .filter(Boolean)
    .join(' ');
  return parts.length > MAX_SUMMARY_CHARS ? `${parts.slice(0, MAX_SUMMARY_CHARS - 1)}…` : parts;
}

function codeOf(status: number): AmocrmError['code'] {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'payment_required';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  // The server gave up waiting for our request: nothing was done, so it is a timeout like our own.
  if (status === 408) return 'timeout';
  if (status >= 500) return 'upstream_error';
  // A redirect is never followed (see above) and no call expects one: amoCRM answered something we cannot use.
  if (status < 400) return 'invalid_response';
  // 405, 409, 422 and the rest: about the request, so another attempt would be refused too.
  return 'invalid_request';
}

/**
 * amoCRM's problem+json (crm-rest §7), read loosely: its documented fields when it is one, else the text cut short.
 * Any string holding one of the request's secrets is replaced, so an error body that echoes the request leaks nothing.
 */
function errorDetails(text: string, secrets: readonly string[]): unknown {
  const json = parseAnswerJson(text);
  if (json === NOT_JSON || json === undefined)
    return text.trim() === '' ? undefined : scrub(text.slice(0, MAX_DETAIL_CHARS), secrets);
  const problem = safeParse(problemBody, json);
  if (!problem.success) return scrub(text.slice(0, MAX_DETAIL_CHARS), secrets);
  const picked: Record<string, unknown> = {};
  for (const field of PROBLEM_FIELDS) {
    if (problem.data[field] !== undefined) picked[field] = scrub(problem.data[field], secrets);
  }
  return picked;
}

function scrub(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return secrets.some((s) => s !== '' && value.includes(s)) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrub(key, secrets), scrub(item, secrets)]));
  }
  return value;
}

function toQueryString(query: AmocrmRequest<z.ZodMiniType>['query']): string {
  if (!query) return '';
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    typeof value === 'object' ? value.map((item) => [key, item]) : [[key, String(value)]],
  );
  const text = new URLSearchParams(pairs).toString();
  return text ? `?${text}` : '';
}
