import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createOAuthGrant } from '../../src/amocrm/oauth-grant';
import { createHttpFetch } from '../../src/egress/create-http-fetch';
import { reply, startScriptedServer } from './helpers/scripted-server';

const CLIENT_ID = '8a5b2c7e-1111-4222-8333-944455556666';
const SECRET = 'Zr9vS3cr3tOfTheIntegrationXyZ';
const CODE = 'def50200-one-time-authorization-code';
const REFRESH = 'def50200-refresh-token-value';
const NOW = new Date('2026-03-01T12:00:00Z');
const TOKENS = {
  token_type: 'Bearer',
  expires_in: 86400,
  server_time: 1,
  access_token: 'acc.ess.jwt',
  refresh_token: 'r2',
};

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const slept: number[] = [];
const grant = createOAuthGrant({
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  redirectUri: 'https://channel.example/amocrm/oauth',
  fetch: createHttpFetch(),
  now: () => NOW,
  sleep: async (ms) => void slept.push(ms),
  random: () => 0,
});

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('createOAuthGrant', () => {
  it('exchanges a code with the JSON body of crm-rest §1.5 and dates the expiry from now', async () => {
    server.answer(reply(200, TOKENS));
    const before = server.seen.length;
    const pair = await grant.exchangeCode(`${server.baseUrl}/`, CODE);
    expect(pair).toEqual({
      accessToken: 'acc.ess.jwt',
      refreshToken: 'r2',
      accessExpiresAt: NOW.getTime() + 86_400_000,
    });
    const [sent] = server.seen.slice(before);
    expect(sent).toMatchObject({ method: 'POST', url: '/oauth2/access_token' });
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: 'https://channel.example/amocrm/oauth',
    });
  });

  it('refreshes with the refresh_token grant and the same redirect_uri', async () => {
    server.answer(reply(200, { ...TOKENS, expires_in: 60 }));
    const pair = await grant.refresh(server.baseUrl, REFRESH);
    expect(pair.accessExpiresAt).toBe(NOW.getTime() + 60_000);
    expect(JSON.parse(server.seen.at(-1)?.body ?? '')).toEqual({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: 'refresh_token',
      refresh_token: REFRESH,
      redirect_uri: 'https://channel.example/amocrm/oauth',
    });
  });

  it.each([400, 401])('turns %i into grant_refused, never retried and never quoting what was sent', async (status) => {
    // The worst case: the error body quotes our request back.
    server.answer((request, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ title: 'Bad Request', detail: `refused ${request.body}`, hint: CODE }));
    });
    const before = server.seen.length;
    const error = await failure(grant.exchangeCode(server.baseUrl, CODE));
    expect([error.code, error.retryable, error.status, error.endpoint]).toEqual([
      'grant_refused',
      false,
      status,
      'POST /oauth2/access_token',
    ]);
    expect(server.seen.length - before).toBe(1);
    const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
    for (const secret of [SECRET, CODE]) expect(text).not.toContain(secret);
    expect(error.details).toMatchObject({ title: 'Bad Request' });

    const refresh = await failure(grant.refresh(server.baseUrl, REFRESH));
    expect(refresh.code).toBe('grant_refused');
    expect(JSON.stringify(refresh)).not.toContain(REFRESH);
  });

  it('retries a transient failure a few times', async () => {
    let n = 0;
    server.answer((request, response) => {
      n++;
      if (n < 3) return reply(503)(request, response);
      reply(200, TOKENS)(request, response);
    });
    expect((await grant.exchangeCode(server.baseUrl, CODE)).accessToken).toBe('acc.ess.jwt');
    expect(n).toBe(3);

    n = 0;
    server.answer((request, response) => {
      n++;
      reply(502)(request, response);
    });
    expect((await failure(grant.refresh(server.baseUrl, REFRESH))).code).toBe('upstream_error');
    expect(n).toBe(3);
  });

  it('refuses an answer without the tokens as invalid_response', async () => {
    server.answer(reply(200, { token_type: 'Bearer', expires_in: 86400 }));
    expect((await failure(grant.exchangeCode(server.baseUrl, CODE))).code).toBe('invalid_response');
  });

  it('sends nothing for an empty code or refresh token', async () => {
    const before = server.seen.length;
    expect((await failure(grant.exchangeCode(server.baseUrl, ''))).code).toBe('grant_refused');
    expect((await failure(grant.refresh(server.baseUrl, ''))).code).toBe('grant_refused');
    expect(server.seen.length).toBe(before);
  });
});
