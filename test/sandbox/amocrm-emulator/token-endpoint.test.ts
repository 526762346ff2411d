import { describe, expect, it } from 'vitest';
import { problemBody, tokenResponse } from '../../../src/contracts/amocrm';
import {
  ADMIN,
  CLIENT_ID,
  CLIENT_SECRET,
  createHarness,
  jwtClaims,
  MANAGER,
  type Problem,
  REDIRECT_URI,
  RU,
  type TokenBody,
} from './harness';

const MINUTE = 60_000;

async function refusal(response: Response) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Problem;
  expect(problemBody.safeParse(body).success).toBe(true);
  expect(Object.keys(body).sort()).toEqual(['detail', 'hint', 'status', 'title', 'type']);
  expect(body).toMatchObject({ title: 'Bad Request', type: 'https://httpstatus.es/400', status: 400 });
  return { reason: response.headers.get('x-emulator-reject'), hint: body.hint };
}

describe('amoCRM emulator: POST /oauth2/access_token', () => {
  it('exchanges a code for a pair in the documented shape, with an amoCRM-like JWT', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, MANAGER.id);
    const response = await h.exchange(code.code);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(tokenResponse.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86_400,
      server_time: Math.floor(h.clock.now.getTime() / 1000),
    });
    expect(body.access_token.split('.')).toHaveLength(3);
    expect(jwtClaims(body.access_token)).toMatchObject({
      account_id: RU.id,
      user_id: MANAGER.id,
      client_uuid: CLIENT_ID,
      api_domain: 'api-a.amocrm.ru',
      exp: Math.floor(h.clock.now.getTime() / 1000) + 86_400,
    });
    expect(body.refresh_token).not.toBe(body.access_token);
    expect(h.emulator.stats()).toMatchObject({ codeExchanges: 1, refreshGrants: 0, refusedGrants: 0 });
  });

  it('accepts a code until 20 minutes have passed, then refuses it', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const early = h.emulator.issueCode(RU.id, ADMIN.id);
    const late = h.emulator.issueCode(RU.id, ADMIN.id);
    h.clock.advance(20 * MINUTE - 1);
    expect((await h.exchange(early.code)).status).toBe(200);
    h.clock.advance(1);
    expect(await refusal(await h.exchange(late.code))).toEqual({
      reason: 'code_expired',
      hint: 'Authorization code has expired',
    });
  });

  it('refuses a second exchange of the same code', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, ADMIN.id);
    expect((await h.exchange(code.code)).status).toBe(200);
    expect((await refusal(await h.exchange(code.code))).reason).toBe('code_used');
    expect(h.emulator.stats()).toMatchObject({
      codeExchanges: 1,
      refusedGrants: 1,
      refusedGrantsByReason: { code_used: 1 },
    });
  });

  it('refuses an unknown code', async () => {
    const h = createHarness();
    expect((await refusal(await h.exchange('def50200nope'))).reason).toBe('code_unknown');
  });

  it('refuses a redirect_uri that differs by a trailing slash, on both grants, without spending the code', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, ADMIN.id);
    const mismatch = await h.exchange(code.code, { redirect_uri: `${REDIRECT_URI}/` });
    expect((await refusal(mismatch)).reason).toBe('redirect_uri_mismatch');
    const schemeMismatch = await h.exchange(code.code, { redirect_uri: REDIRECT_URI.replace('https:', 'http:') });
    expect((await refusal(schemeMismatch)).reason).toBe('redirect_uri_mismatch');
    const pair = (await (await h.exchange(code.code)).json()) as TokenBody;
    const refreshMismatch = await h.refresh(pair.refresh_token, { redirect_uri: `${REDIRECT_URI}/` });
    expect((await refusal(refreshMismatch)).reason).toBe('redirect_uri_mismatch');
    expect((await h.refresh(pair.refresh_token)).status).toBe(200);
  });

  it('refuses a wrong client_secret or client_id', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, ADMIN.id);
    expect((await refusal(await h.exchange(code.code, { client_secret: `${CLIENT_SECRET}x` }))).reason).toBe(
      'invalid_client',
    );
    expect((await refusal(await h.exchange(code.code, { client_id: 'someone-else' }))).reason).toBe('invalid_client');
    expect((await h.exchange(code.code)).status).toBe(200);
  });

  it('refuses bodies that are not JSON, not the contract, or another grant type', async () => {
    const h = createHarness();
    const form = await h.request('/oauth2/access_token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `client_id=${CLIENT_ID}&grant_type=authorization_code`,
    });
    expect((await refusal(form)).reason).toBe('unsupported_content_type');
    const broken = await h.request('/oauth2/access_token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"client_id":',
    });
    expect((await refusal(broken)).reason).toBe('malformed_body');
    expect((await refusal(await h.exchange('x', { grant_type: 'password' }))).reason).toBe('unsupported_grant_type');
    const missing = await refusal(await h.exchange('x', { redirect_uri: undefined }));
    expect(missing.reason).toBe('invalid_request');
    expect(missing.hint).toContain('redirect_uri');
    expect((await refusal(await h.exchange('x', { scope: 'crm' }))).reason).toBe('invalid_request');
    expect((await h.request('/oauth2/access_token')).status).toBe(405);
  });

  it('rotates on refresh: the new pair works, the old refresh token is spent', async () => {
    const h = createHarness();
    const first = await h.grantedPair();
    h.clock.advance(MINUTE);
    const response = await h.refresh(first.refresh_token);
    expect(response.status).toBe(200);
    const second = (await response.json()) as TokenBody;
    expect(tokenResponse.safeParse(second).success).toBe(true);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(jwtClaims(second.access_token)).toMatchObject({ account_id: RU.id, user_id: ADMIN.id });
    expect((await h.api('/api/v4/account', second.access_token)).status).toBe(200);
    // the old access token lives out its day; only the refresh token is single use
    expect((await h.api('/api/v4/account', first.access_token)).status).toBe(200);
    expect(h.emulator.stats().refreshGrants).toBe(1);
  });

  it('treats reuse of a spent refresh token as theft: refused, and the pair it produced is revoked', async () => {
    const h = createHarness();
    const first = await h.grantedPair();
    const second = (await (await h.refresh(first.refresh_token)).json()) as TokenBody;
    expect((await h.api('/api/v4/account', second.access_token)).status).toBe(200);

    const reuse = await refusal(await h.refresh(first.refresh_token));
    expect(reuse.reason).toBe('refresh_reused');
    expect((await h.api('/api/v4/account', second.access_token)).status).toBe(401);
    expect((await refusal(await h.refresh(second.refresh_token))).reason).toBe('refresh_revoked');
    // the first pair's access token was not issued from the reused token: it still works
    expect((await h.api('/api/v4/account', first.access_token)).status).toBe(200);
  });

  it('revokes the whole line rotated from a reused refresh token', async () => {
    const h = createHarness();
    const first = await h.grantedPair();
    const second = (await (await h.refresh(first.refresh_token)).json()) as TokenBody;
    const third = (await (await h.refresh(second.refresh_token)).json()) as TokenBody;
    expect((await refusal(await h.refresh(first.refresh_token))).reason).toBe('refresh_reused');
    expect((await h.api('/api/v4/account', third.access_token)).status).toBe(401);
    expect((await refusal(await h.refresh(third.refresh_token))).reason).toBe('refresh_revoked');
  });

  it('lets a refresh token expire after 90 days', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    h.clock.advance(90 * 24 * 60 * MINUTE);
    expect((await refusal(await h.refresh(pair.refresh_token))).reason).toBe('refresh_expired');
  });

  it('issues access tokens with the TTL set, and says so in expires_in', async () => {
    const h = createHarness({ accessTokenTtlSeconds: 60 });
    const short = await h.grantedPair();
    expect(short.expires_in).toBe(60);
    h.emulator.setAccessTokenTtl(5);
    const shorter = (await (await h.refresh(short.refresh_token)).json()) as TokenBody;
    expect(shorter.expires_in).toBe(5);
    expect(h.emulator.settings().accessTokenTtlSeconds).toBe(5);
  });
});
