import { describe, expect, it } from 'vitest';
import { accountResponse, problemBody, userResponse } from '../../../src/contracts/amocrm';
import { ADMIN, createHarness, KOMMO, KOMMO_ADMIN, MANAGER, type Problem, RU } from './harness';

async function problem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Problem;
  expect(problemBody.safeParse(body).success).toBe(true);
  expect(body).toMatchObject({ status, type: `https://httpstatus.es/${status}` });
  return response.headers.get('x-emulator-reject');
}

describe('amoCRM emulator: GET /api/v4/account', () => {
  it('answers hal+json with amojo_id only when `with` asks for it', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    const plain = await h.api('/api/v4/account', pair.access_token);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/hal+json');
    const body = (await plain.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: RU.id,
      name: RU.name,
      subdomain: RU.subdomain,
      country: 'RU',
      current_user_id: ADMIN.id,
      _links: { self: { href: 'https://acme.amocrm.ru/api/v4/account' } },
    });
    expect(body).not.toHaveProperty('amojo_id');
    // without amojo_id the shared contract refuses it: the backend must ask
    expect(accountResponse.safeParse(body).success).toBe(false);

    const withAmojo = await h.api('/api/v4/account?with=version,amojo_id', pair.access_token);
    const full = (await withAmojo.json()) as Record<string, unknown>;
    expect(full.amojo_id).toBe(RU.amojoId);
    expect(accountResponse.safeParse(full).success).toBe(true);
  });

  it("says current_user_id is the token's user, and answers another account from its own token", async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const manager = await h.grantedPair(RU.id, MANAGER.id);
    const body = (await (await h.api('/api/v4/account', manager.access_token)).json()) as { current_user_id: number };
    expect(body.current_user_id).toBe(MANAGER.id);
    const kommo = await h.grantedPair(KOMMO.id);
    const other = (await (await h.api('/api/v4/account?with=amojo_id', kommo.access_token)).json()) as Record<
      string,
      unknown
    >;
    expect(other).toMatchObject({ id: KOMMO.id, amojo_id: KOMMO.amojoId, current_user_id: KOMMO_ADMIN.id });
  });
});

describe('amoCRM emulator: GET /api/v4/users/{id}', () => {
  it("answers an admin's token with the user and rights", async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    for (const user of [ADMIN, MANAGER]) {
      const response = await h.api(`/api/v4/users/${user.id}`, pair.access_token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(userResponse.safeParse(body).success).toBe(true);
      expect(body).toMatchObject({
        id: user.id,
        name: user.name,
        lang: 'ru',
        rights: { is_admin: user.isAdmin, is_free: false, is_active: true },
      });
      expect(typeof body.email).toBe('string');
    }
  });

  it("refuses a manager's token with 403, whichever user it asks for", async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const pair = await h.grantedPair(RU.id, MANAGER.id);
    expect(await problem(await h.api(`/api/v4/users/${MANAGER.id}`, pair.access_token), 403)).toBe('not_admin');
    expect(await problem(await h.api(`/api/v4/users/${ADMIN.id}`, pair.access_token), 403)).toBe('not_admin');
  });

  it("answers 404 for an unknown id or another account's user", async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    expect(await problem(await h.api('/api/v4/users/999', pair.access_token), 404)).toBe('user_not_found');
    expect(await problem(await h.api(`/api/v4/users/${KOMMO_ADMIN.id}`, pair.access_token), 404)).toBe(
      'user_not_found',
    );
    expect(await problem(await h.api('/api/v4/users/abc', pair.access_token), 404)).toBe('user_not_found');
  });
});

describe('amoCRM emulator: Bearer tokens', () => {
  it('answers 401 without a token, with a wrong one, or with a tampered one', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    expect(await problem(await h.api('/api/v4/account'), 401)).toBe('token_missing');
    expect(await problem(await h.api('/api/v4/account', 'nonsense'), 401)).toBe('token_unknown');
    expect(await problem(await h.api('/api/v4/account', `${pair.access_token}x`), 401)).toBe('token_unknown');
    expect(await problem(await h.api('/api/v4/account', pair.refresh_token), 401)).toBe('token_unknown');
    const basic = await h.request('/api/v4/account', { headers: { Authorization: `Basic ${pair.access_token}` } });
    expect(await problem(basic, 401)).toBe('token_missing');
  });

  it('answers 401 once a short-lived token is past its TTL; a refresh brings a working one', async () => {
    const h = createHarness({ accessTokenTtlSeconds: 30 });
    const pair = await h.grantedPair();
    h.clock.advance(29_999);
    expect((await h.api('/api/v4/account', pair.access_token)).status).toBe(200);
    h.clock.advance(1);
    expect(await problem(await h.api('/api/v4/account', pair.access_token), 401)).toBe('token_expired');
    const renewed = (await (await h.refresh(pair.refresh_token)).json()) as { access_token: string };
    expect((await h.api('/api/v4/account', renewed.access_token)).status).toBe(200);
  });

  it('expires access tokens on demand, per account or all, and leaves refresh tokens working', async () => {
    const h = createHarness();
    const ru = await h.grantedPair(RU.id);
    const kommo = await h.grantedPair(KOMMO.id);
    expect(h.emulator.expireAccessTokens(RU.id)).toBe(1);
    expect(await problem(await h.api('/api/v4/account', ru.access_token), 401)).toBe('token_expired');
    expect((await h.api('/api/v4/account', kommo.access_token)).status).toBe(200);
    expect(h.emulator.expireAccessTokens()).toBe(1);
    expect((await h.api('/api/v4/account', kommo.access_token)).status).toBe(401);
    expect((await h.refresh(ru.refresh_token)).status).toBe(200);
  });

  it('answers 404 for API paths it does not emulate, and 405 for other methods, after the token check', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    expect(await problem(await h.api('/api/v4/leads', pair.access_token), 404)).toBe('not_emulated');
    expect(await problem(await h.api('/api/v4/leads'), 401)).toBe('token_missing');
    expect(await problem(await h.api('/api/v4/account', pair.access_token, { method: 'POST' }), 405)).toBe('method');
  });

  it('counts API calls by path and by answer', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    await h.api('/api/v4/account?with=amojo_id', pair.access_token);
    await h.api('/api/v4/account', pair.access_token);
    await h.api(`/api/v4/users/${ADMIN.id}`, pair.access_token);
    await h.api('/api/v4/account', 'wrong');
    expect(h.emulator.stats()).toMatchObject({
      apiCalls: { '/api/v4/account': 3, [`/api/v4/users/${ADMIN.id}`]: 1 },
      apiStatuses: { '200': 3, '401': 1 },
    });
  });
});

describe('amoCRM emulator: rate limit', () => {
  it('allows 7 requests in a sliding second per account, then 429, and lets the next in once one ages out', async () => {
    const h = createHarness();
    const ru = await h.grantedPair(RU.id);
    const kommo = await h.grantedPair(KOMMO.id);
    for (let i = 0; i < 4; i++) expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(200);
    h.clock.advance(500);
    for (let i = 0; i < 3; i++) expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(200);
    expect(await problem(await h.api('/api/v4/account', ru.access_token), 429)).toBe('rate_limited');
    // another account has its own window
    expect((await h.api('/api/v4/account', kommo.access_token)).status).toBe(200);
    // the first four age out 1 s after they were made; the 429 did not count
    h.clock.advance(499);
    expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(429);
    h.clock.advance(1);
    for (let i = 0; i < 4; i++) expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(200);
    expect((await h.api('/api/v4/account', ru.access_token)).status).toBe(429);
  });

  it('can be set lower, higher, or off', async () => {
    const h = createHarness({ rateLimitPerSecond: 2 });
    const pair = await h.grantedPair();
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await h.api('/api/v4/account', pair.access_token)).status);
      return out;
    };
    expect(await statuses(3)).toEqual([200, 200, 429]);
    h.emulator.setRateLimit(null);
    expect((await statuses(20)).every((status) => status === 200)).toBe(true);
    h.emulator.setRateLimit(1);
    expect(await statuses(2)).toEqual([200, 429]);
    expect(h.emulator.settings().rateLimitPerSecond).toBe(1);
  });
});
