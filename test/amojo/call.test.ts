import { describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { type AmojoCallEvent, type AmojoTransport, call } from '../../src/amojo/call';
import { verifyRequest } from '../../src/amojo/verify-request';

const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const NOW = new Date('2026-11-29T12:00:00Z');

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array;
}

/** A fetch that records what was sent and answers from a script: the seam the client injects. */
function scriptedFetch(answer: (seen: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const entry = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    };
    seen.push(entry);
    return answer(entry);
  };
  return { fetchImpl, seen };
}

function transport(fetchImpl: typeof fetch, events: AmojoCallEvent[] = []): AmojoTransport {
  return {
    baseUrl: 'http://amojo.test',
    secret: SECRET,
    fetch: fetchImpl,
    now: () => NOW,
    timeoutMs: 1000,
    observe: (e) => events.push(e),
  };
}

const post = { endpoint: 'typing', method: 'POST', path: '/v2/origin/custom/s/typing' } as const;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('call', () => {
  it('sends the exact signed bytes, verifiable as amojo verifies them', async () => {
    const { fetchImpl, seen } = scriptedFetch(() => new Response(null, { status: 204 }));
    const body = bytes('{"conversation_id":"c","sender":{"id":"u"}}');
    const res = await call(transport(fetchImpl), { ...post, body });
    expect(res).toEqual({ status: 204, body: undefined });
    const [sent] = seen;
    expect(sent!.body).toEqual(body);
    const headers = {
      date: sent!.headers.get('date') ?? undefined,
      contentType: sent!.headers.get('content-type') ?? undefined,
      contentMd5: sent!.headers.get('content-md5') ?? undefined,
      signature: sent!.headers.get('x-signature') ?? undefined,
    };
    expect(
      verifyRequest({ method: 'POST', path: post.path, headers, body: sent!.body, secret: SECRET, now: NOW }),
    ).toEqual({
      ok: true,
    });
  });

  it('sends GET without a body and keeps the query out of the signature', async () => {
    const { fetchImpl, seen } = scriptedFetch(() => Response.json({ messages: [] }));
    const path = '/v2/origin/custom/s/chats/c/history';
    await call(transport(fetchImpl), { endpoint: 'history', method: 'GET', path, query: { offset: 0, limit: 50 } });
    expect(seen[0]!.url).toBe(`http://amojo.test${path}?offset=0&limit=50`);
    expect(seen[0]!.body.length).toBe(0);
    expect(seen[0]!.headers.get('content-md5')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it.each([
    [403, 'forbidden', false],
    [400, 'invalid_request', false],
    [404, 'not_found', false],
    [408, 'timeout', true],
    [409, 'invalid_request', false],
    [429, 'rate_limited', true],
    [500, 'upstream_error', true],
    [503, 'upstream_error', true],
  ] as const)('maps %i to %s (retryable: %s)', async (status, code, retryable) => {
    const { fetchImpl } = scriptedFetch(() => new Response('{"error_description":"x"}', { status }));
    const error = await call(transport(fetchImpl), post).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoError);
    expect(error).toMatchObject({ code, status, retryable, endpoint: 'typing', details: { error_description: 'x' } });
  });

  it('reads Retry-After in seconds and as a date', async () => {
    const a = scriptedFetch(() => new Response('', { status: 429, headers: { 'Retry-After': '7' } }));
    await expect(call(transport(a.fetchImpl), post)).rejects.toMatchObject({ retryAfterMs: 7000 });
    const later = 'Sun, 29 Nov 2026 12:00:30 GMT';
    const b = scriptedFetch(() => new Response('', { status: 503, headers: { 'Retry-After': later } }));
    await expect(call(transport(b.fetchImpl), post)).rejects.toMatchObject({ retryAfterMs: 30_000 });
  });

  it('never puts the secret in a 403 error, but gives a canonical fingerprint', async () => {
    const { fetchImpl } = scriptedFetch(() => new Response('', { status: 403 }));
    const error = (await call(transport(fetchImpl), post).catch((e: unknown) => e)) as AmojoError;
    expect(error.message).toMatch(/canonical [0-9a-f]{12}$/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
  });

  it('calls a 2xx with a body that is not JSON an invalid response', async () => {
    const { fetchImpl } = scriptedFetch(() => new Response('<html>', { status: 200 }));
    await expect(call(transport(fetchImpl), post)).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('tells network failure, timeout and caller abort apart', async () => {
    const events: AmojoCallEvent[] = [];
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(call(transport(refused, events), post)).rejects.toMatchObject({
      code: 'network_error',
      retryable: true,
    });

    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    await expect(call(transport(hang, events), { ...post, timeoutMs: 20 })).rejects.toMatchObject({
      code: 'timeout',
      retryable: true,
    });
    const controller = new AbortController();
    const pending = call(transport(hang, events), { ...post, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: false });
    expect(events.map((e) => e.outcome)).toEqual(['network_error', 'timeout', 'aborted']);
  });
});
