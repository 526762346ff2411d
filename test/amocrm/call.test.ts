import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { type AmocrmTransport, callAmocrm } from '../../src/amocrm/call';
import { accountResponse } from '../../src/contracts/amocrm';
import { createHttpFetch } from '../../src/egress/create-http-fetch';
import type { FetchLike } from '../../src/egress/fetch-like';
import { reply, startScriptedServer } from './helpers/scripted-server';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-access-token';
const SECRET = 'client-secret-0123456789';
const NOW = new Date('2026-03-01T12:00:00Z');
const ACCOUNT = {
  id: 31,
  name: 'Acme',
  subdomain: 'acme',
  current_user_id: 7,
  amojo_id: 'f0e1d2c3-0000-4000-8000-00000000aaaa',
};

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const transport = (overrides: Partial<AmocrmTransport> = {}): AmocrmTransport => ({
  fetch: createHttpFetch(),
  now: () => NOW,
  timeoutMs: 2000,
  ...overrides,
});

const getAccount = (extra: { signal?: AbortSignal; timeoutMs?: number } = {}, t = transport()) =>
  callAmocrm(t, {
    method: 'GET',
    baseUrl: `${server.baseUrl}/`,
    path: '/api/v4/account',
    query: { with: 'amojo_id' },
    accessToken: TOKEN,
    schema: accountResponse,
    secrets: [TOKEN],
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

/** Everything of an error that could reach a log: message, own fields, details. */
const serialized = (error: AmocrmError) =>
  `${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.details)} ${String(error.stack)}`;

describe('callAmocrm', () => {
  it('sends a GET with the Bearer token and the query, and parses the answer with the contract', async () => {
    server.answer(reply(200, { ...ACCOUNT, extra: { kept: true } }));
    const account = await getAccount();
    expect(account).toMatchObject(ACCOUNT);
    const sent = server.seen.at(-1);
    expect(sent).toMatchObject({ method: 'GET', url: '/api/v4/account?with=amojo_id', body: '' });
    expect(sent?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent?.headers['content-type']).toBeUndefined();
  });

  it('sends a POST with a JSON body and no Authorization when no token is given', async () => {
    server.answer(reply(200, ACCOUNT));
    await callAmocrm(transport(), {
      method: 'POST',
      baseUrl: server.baseUrl,
      path: '/oauth2/access_token',
      body: { a: 1 },
      schema: accountResponse,
    });
    const sent = server.seen.at(-1);
    expect(sent).toMatchObject({ method: 'POST', url: '/oauth2/access_token', body: '{"a":1}' });
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toBeUndefined();
  });

  it.each([
    [400, 'invalid_request', false],
    [401, 'unauthorized', false],
    [402, 'payment_required', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [405, 'invalid_request', false],
    [408, 'timeout', true],
    [422, 'invalid_request', false],
    [429, 'rate_limited', true],
    [500, 'upstream_error', true],
    [502, 'upstream_error', true],
    [503, 'upstream_error', true],
    [204, 'not_found', false],
    [302, 'invalid_response', false],
  ] as const)('maps %i to %s (retryable: %s)', async (status, code, retryable) => {
    server.answer(reply(status, undefined, status === 302 ? { Location: 'https://evil.example/' } : {}));
    const error = await failure(getAccount());
    expect([error.code, error.retryable, error.status]).toEqual([code, retryable, status]);
    // The endpoint names method and path only: no host (the account), no query.
    expect(error.endpoint).toBe('GET /api/v4/account');
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('does not follow a redirect, so the token never travels to where it points', async () => {
    const before = server.seen.length;
    server.answer(reply(307, undefined, { Location: `${server.baseUrl}/elsewhere` }));
    await failure(getAccount());
    expect(server.seen.slice(before).map((r) => r.url)).toEqual(['/api/v4/account?with=amojo_id']);
  });

  it('reads Retry-After as seconds or as an HTTP date', async () => {
    server.answer(reply(429, undefined, { 'Retry-After': '3' }));
    expect((await failure(getAccount())).retryAfterMs).toBe(3000);
    server.answer(reply(429, undefined, { 'Retry-After': 'Sun, 01 Mar 2026 12:00:05 GMT' }));
    expect((await failure(getAccount())).retryAfterMs).toBe(5000);
    server.answer(reply(429));
    expect((await failure(getAccount())).retryAfterMs).toBeUndefined();
  });

  it("keeps amoCRM's problem+json (validation errors included) as details", async () => {
    const problem = {
      'validation-errors': [{ request_id: '0', errors: [{ code: 'NotSupportedChoice', path: 'x', detail: 'bad' }] }],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
    };
    server.answer(reply(400, problem));
    expect((await failure(getAccount())).details).toEqual(problem);
    server.answer(reply(500, 'upstream <b>down</b>'));
    expect((await failure(getAccount())).details).toBe('upstream <b>down</b>');
  });

  it('puts no token, secret or code into an error even when amoCRM echoes the request back', async () => {
    // A hostile or careless server quotes everything we sent, in JSON and in plain text, in every status.
    const echo = (status: number, json: boolean) =>
      server.answer((request, response) => {
        const quoted = `${request.headers.authorization} ${request.body}`;
        const body = json
          ? JSON.stringify({ title: quoted, detail: request.body, hint: [quoted], [quoted]: 1, status })
          : quoted;
        response.writeHead(status).end(body);
      });
    const post = () =>
      callAmocrm(transport(), {
        method: 'POST',
        baseUrl: server.baseUrl,
        path: '/oauth2/access_token',
        accessToken: TOKEN,
        body: { client_secret: SECRET, code: 'the-auth-code' },
        schema: accountResponse,
        secrets: [TOKEN, SECRET, 'the-auth-code'],
      });
    for (const status of [400, 401, 403, 429, 500]) {
      for (const json of [true, false]) {
        echo(status, json);
        const text = serialized(await failure(post()));
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain('the-auth-code');
      }
    }
    // A 2xx that does not match the contract: its issues name the field, not the value that was there.
    server.answer(reply(200, { ...ACCOUNT, amojo_id: 0, name: { leaked: TOKEN } }));
    const mismatch = await failure(getAccount());
    expect(mismatch.code).toBe('invalid_response');
    expect(mismatch.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'amojo_id' }),
        expect.objectContaining({ path: 'name' }),
      ]),
    );
    expect(serialized(mismatch)).not.toContain(TOKEN);
  });

  it('refuses a 2xx that is not JSON or not the documented shape', async () => {
    server.answer(reply(200, 'not json'));
    expect((await failure(getAccount())).code).toBe('invalid_response');
    server.answer(reply(200, { id: 31 }));
    const error = await failure(getAccount());
    expect(error.code).toBe('invalid_response');
    expect((error.details as { path: string }[]).map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['subdomain', 'current_user_id', 'amojo_id']),
    );
  });

  it('refuses an answer over the cap', async () => {
    server.answer(reply(200, { ...ACCOUNT, name: 'x'.repeat(5000) }));
    expect((await failure(getAccount({}, transport({ maxResponseBytes: 1000 })))).code).toBe('invalid_response');
    // The transport's own cap (createHttpFetch) fails the request before call.ts sees it: no answer at all.
    const tight = transport({ fetch: createHttpFetch({ maxResponseBytes: 1000 }) });
    expect((await failure(getAccount({}, tight))).code).toBe('network_error');
    // An injected fetch that does not cap is capped here, by what it returns.
    const big: FetchLike = async () => ({
      status: 200,
      ok: true,
      headers: { get: () => null },
      text: async () => JSON.stringify({ ...ACCOUNT, name: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect((await failure(getAccount({}, transport({ fetch: big })))).code).toBe('invalid_response');
  });

  it('tells a timeout from a caller abort and from no answer at all', async () => {
    server.answer(() => {}); // never answers
    expect((await failure(getAccount({ timeoutMs: 50 }))).code).toBe('timeout');
    const controller = new AbortController();
    const pending = getAccount({ signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe('aborted');

    const closed = await startScriptedServer();
    await closed.close();
    const error = await failure(
      callAmocrm(transport(), {
        method: 'GET',
        baseUrl: closed.baseUrl,
        path: '/api/v4/account',
        schema: accountResponse,
      }),
    );
    expect([error.code, error.retryable]).toEqual(['network_error', true]);
  });
});
