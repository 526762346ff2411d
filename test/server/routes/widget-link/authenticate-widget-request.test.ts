import { UnsecuredJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkErrorBodySchema } from '../../../../src/contracts/link';
import { findLinkByAccountId } from '../../../../src/store/links-repo';
import { ACCOUNT_A, CLIENT_SECRET, type Harness, mintToken, startHarness } from './harness';

const LINK = '/api/widget/link';

describe('widget link API: the one-time token at the route', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const codeOf = (result: { status: number; json: unknown }) => {
    expect(result.status).toBe(401);
    return parse(linkErrorBodySchema, result.json).error.code;
  };
  const linkWith = (token: string | null) => h.call('PUT', LINK, { token, body: h.linkBody() });

  it('refuses a request without X-Auth-Token on every route', async () => {
    expect(codeOf(await h.call('GET', LINK, { token: null }))).toBe('auth_missing');
    expect(codeOf(await linkWith(null))).toBe('auth_missing');
    expect(codeOf(await h.call('DELETE', LINK, { token: null }))).toBe('auth_missing');
    expect(codeOf(await h.call('POST', `${LINK}/rotate`, { token: null, body: {} }))).toBe('auth_missing');
    expect(codeOf(await h.call('POST', `${LINK}/test`, { token: null, body: {} }))).toBe('auth_missing');
  });

  it('refuses forged, expired, not-yet-valid and misaddressed tokens, and links nothing', async () => {
    const now = h.clock.now;
    const cases: [string, Promise<string>, string][] = [
      ['forged', mintToken(now, { secret: 'not-the-integration-secret-0123' }), 'auth_invalid'],
      ['expired', mintToken(now, { issuedAt: -1800 - 31 }), 'auth_expired'],
      ['not yet valid', mintToken(now, { issuedAt: 31 }), 'auth_expired'],
      ['wrong aud', mintToken(now, { claims: { aud: 'https://elsewhere.example.com' } }), 'auth_invalid'],
      [
        'wrong client_uuid',
        mintToken(now, { claims: { client_uuid: '11111111-2222-4333-8444-555555555555' } }),
        'auth_invalid',
      ],
      ['wrong iss host', mintToken(now, { domain: 'amocrm.ru.evil.com' }), 'auth_invalid'],
      ['HS512', mintToken(now, { alg: 'HS512' }), 'auth_invalid'],
      ['alg none', Promise.resolve(new UnsecuredJWT({ iss: 'https://shopa.amocrm.ru' }).encode()), 'auth_invalid'],
    ];
    for (const [name, token, code] of cases) {
      expect({ name, code: codeOf(await linkWith(await token)) }).toEqual({ name, code });
    }
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toBeUndefined();
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('accepts a token within the clock leeway', async () => {
    const token = await mintToken(h.clock.now, { issuedAt: 20 });
    expect((await h.call('GET', LINK, { token })).status).toBe(200);
  });

  it('accepts each token once (auth_replayed on the second use, on any route)', async () => {
    const token = await mintToken(h.clock.now);
    expect((await h.call('GET', LINK, { token })).status).toBe(200);
    expect(codeOf(await h.call('GET', LINK, { token }))).toBe('auth_replayed');
    expect(codeOf(await linkWith(token))).toBe('auth_replayed');
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toBeUndefined();
  });

  it('spends the token only once it verifies, and not on a request refused at the edge', async () => {
    const token = await mintToken(h.clock.now);
    const bad = await h.call('PUT', LINK, { token, body: { ...h.linkBody(), title: '' } });
    expect(bad.status).toBe(400);
    expect((await linkWith(token)).status).toBe(201);
  });

  it('spends a token even when the business rule refuses the request', async () => {
    const token = await mintToken(h.clock.now);
    expect((await h.call('POST', `${LINK}/rotate`, { token })).status).toBe(404);
    expect(codeOf(await h.call('POST', `${LINK}/rotate`, { token }))).toBe('auth_replayed');
  });

  it('never echoes the token or the secret in an error body', async () => {
    const token = await mintToken(h.clock.now, { issuedAt: -4000 });
    const result = await linkWith(token);
    expect(JSON.stringify(result.json)).not.toContain(token.split('.')[1]);
    expect(JSON.stringify(result.json)).not.toContain(CLIENT_SECRET);
  });
});
