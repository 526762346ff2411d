import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createEgressLookup, type Resolve } from './create-egress-lookup';
import { type EgressPolicy, egressRefusal } from './egress-policy';
import { EgressRefusedError } from './egress-refused-error';
import type { RequestInitLike } from './fetch-like';

export interface HttpTransportOptions {
  /** Connections per origin kept open and reused (default 256). */
  maxSockets?: number;
  /** A socket silent this long fails the request, signal or not (default 30 s): nothing waits forever. */
  idleTimeoutMs?: number;
  /** The egress guard; without one the transport is for fixed, trusted hosts (amojo). */
  policy?: EgressPolicy;
  /** Name resolution under the guard (default: the system resolver); tests inject names. */
  resolve?: Resolve;
}

/** One request with its redirects handled; the answer's body is still unread. */
export type HttpTransport = (url: string, init: RequestInitLike) => Promise<IncomingMessage>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** What survives a redirect to another origin: nothing that authenticates or signs. */
const PORTABLE_HEADERS = new Set(['accept', 'accept-encoding', 'accept-language', 'user-agent']);

/**
 * node:http(s) with keep-alive agents, shared by the buffered fetch (createHttpFetch) and the streaming one
 * (createStreamFetch). Under a policy, a URL's scheme, host and IP literal are checked before each hop, and names are
 * checked at connect time by the agents' lookup. `redirect: 'follow'` follows at most `policy.maxRedirects` (3)
 * hops, each checked like the first; 'manual' (the default) hands a 3xx back; 'error' fails on one.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const { policy } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const maxRedirects = policy?.maxRedirects ?? 3;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    ...(policy ? { lookup: createEgressLookup(policy, options.resolve) } : {}),
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  function once(url: URL, init: RequestInitLike): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
      const headers: Record<string, string> = { ...init.headers };
      if (body !== undefined) headers['content-length'] = String(body.byteLength);
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[url.protocol as 'http:' | 'https:'],
        ...(init.signal ? { signal: init.signal } : {}),
      });
      request.setTimeout(idleTimeoutMs, () => request.destroy(new Error('the connection went silent')));
      request.on('response', resolve);
      request.on('error', reject);
      request.end(body);
    });
  }

  return async function send(input, init) {
    let url = new URL(input);
    let current = init;
    for (let hop = 0; ; hop += 1) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        // Under a policy a redirect to ftp: or file: is as final as a private address: no retry can change it.
        if (policy) throw new EgressRefusedError(`the ${url.protocol} scheme`);
        throw new TypeError(`unsupported protocol ${url.protocol}`);
      }
      const refusal = policy && egressRefusal(url, policy);
      if (refusal) throw new EgressRefusedError(refusal);
      const response = await once(url, current);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return response;
      if (current.redirect === 'error') {
        response.resume();
        throw new TypeError(`redirected (HTTP ${response.statusCode})`);
      }
      if (current.redirect !== 'follow') return response;
      response.resume();
      if (hop >= maxRedirects) throw new EgressRefusedError('too many redirects');
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        if (policy) throw new EgressRefusedError('a redirect to a malformed address');
        throw error;
      }
      current = redirectedInit(current, response.statusCode ?? 0, next.origin === url.origin);
      url = next;
    }
  };
}

/** As fetch does: 303, and 301/302 after a POST, become a GET without a body; another origin gets no credentials. */
function redirectedInit(init: RequestInitLike, status: number, sameOrigin: boolean): RequestInitLike {
  const method = (init.method ?? 'GET').toUpperCase();
  const toGet = status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST';
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).filter(([name]) => {
      const lower = name.toLowerCase();
      if (toGet && (lower === 'content-type' || lower === 'content-length')) return false;
      return sameOrigin ? lower !== 'host' : PORTABLE_HEADERS.has(lower);
    }),
  );
  const { body, ...rest } = init;
  return { ...rest, headers, ...(toGet ? { method: 'GET' } : body === undefined ? {} : { body }) };
}
