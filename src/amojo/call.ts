import { createHash } from 'node:crypto';
import type { FetchLike, ResponseLike } from '../egress/fetch-like';
import { isTransientStatus } from '../http/is-transient-status';
import { NOT_JSON, parseAnswerJson } from '../http/parse-answer-json';
import { parseRetryAfter } from '../http/parse-retry-after';
import { AmojoError } from './amojo-error';
import { canonicalRequest } from './canonical-request';
import { signRequest } from './sign-request';

export type AmojoEndpoint =
  | 'connect'
  | 'disconnect'
  | 'create_chat'
  | 'new_message'
  | 'edit_message'
  | 'delivery_status'
  | 'history'
  | 'typing'
  | 'react';

export interface AmojoCallEvent {
  endpoint: AmojoEndpoint;
  /** HTTP status, or the error code when there was no answer. */
  outcome: number | 'network_error' | 'timeout' | 'aborted';
  durationMs: number;
}

export interface AmojoTransport {
  baseUrl: string;
  secret: string;
  fetch: FetchLike;
  now: () => Date;
  timeoutMs: number;
  /** Metrics hook; sees ids and outcomes only, never bodies. */
  observe?: ((event: AmojoCallEvent) => void) | undefined;
}

export interface AmojoRequest {
  endpoint: AmojoEndpoint;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number> | undefined;
  /** Serialized once by the caller: these exact bytes are hashed, signed and sent. */
  body?: Uint8Array<ArrayBuffer> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface AmojoResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204, bare 200). */
  body: unknown;
}

const EMPTY = new Uint8Array();
const MAX_DETAIL_CHARS = 2000;

/**
 * The one place that talks to amojo: signs with a fresh Date, sends, and turns every
 * non-2xx or transport failure into an AmojoError. One attempt; retries wrap it.
 */
export async function call(transport: AmojoTransport, request: AmojoRequest): Promise<AmojoResponse> {
  const { endpoint, method, path } = request;
  const body = request.body ?? EMPTY;
  const date = transport.now();
  const headers = signRequest({ method, path, body, secret: transport.secret, date });
  const url = transport.baseUrl + path + toQueryString(request.query);
  const timeout = startTimeout(request.timeoutMs ?? transport.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
  const started = performance.now();
  const report = (outcome: AmojoCallEvent['outcome']) =>
    transport.observe?.({ endpoint, outcome, durationMs: performance.now() - started });

  let response: ResponseLike;
  let text: string;
  try {
    response = await transport.fetch(url, {
      method,
      headers,
      ...(method === 'GET' ? {} : { body }),
      signal,
    });
    text = await response.text();
  } catch (cause) {
    const code = request.signal?.aborted ? 'aborted' : timeout.signal.aborted ? 'timeout' : 'network_error';
    report(code);
    throw new AmojoError(code, code === 'network_error' ? 'no HTTP answer' : code, { endpoint, cause });
  } finally {
    timeout.clear();
  }
  report(response.status);

  const parsed = parseAnswerJson(text);
  if (response.ok) {
    if (parsed === NOT_JSON)
      throw new AmojoError('invalid_response', 'answer is not JSON', { endpoint, status: response.status });
    return { status: response.status, body: parsed };
  }
  const details = parsed === NOT_JSON ? text.slice(0, MAX_DETAIL_CHARS) : parsed;
  const init = { endpoint, status: response.status, details };
  switch (true) {
    case response.status === 403: {
      // A fingerprint of what we signed lets an operator compare with amojo's logs without exposing the secret.
      const canonical = canonicalRequest({
        method,
        contentMd5: headers['Content-MD5'],
        contentType: headers['Content-Type'],
        date: headers.Date,
        path,
      });
      const fingerprint = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
      throw new AmojoError('forbidden', `403 (signature, channel secret or clock); canonical ${fingerprint}`, init);
    }
    case response.status === 404:
      throw new AmojoError('not_found', '404', init);
    // The server gave up waiting for our request: nothing was done, so it is a timeout like our own.
    case response.status === 408:
      throw new AmojoError('timeout', '408', init);
    case isTransientStatus(response.status): {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), transport.now());
      throw new AmojoError(
        response.status === 429 ? 'rate_limited' : 'upstream_error',
        String(response.status),
        retryAfterMs === null ? init : { ...init, retryAfterMs },
      );
    }
    default:
      throw new AmojoError('invalid_request', String(response.status), init);
  }
}

/**
 * What AbortSignal.timeout() does (the same TimeoutError reason, an unref'd timer), minus its cost: Node 20 makes
 * that signal transferable, which took more CPU than signing the request, and the relay makes one call per message.
 */
function startTimeout(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function toQueryString(query: AmojoRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
