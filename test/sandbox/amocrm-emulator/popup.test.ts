import { describe, expect, it } from 'vitest';
import { ADMIN, CLIENT_ID, createHarness, KOMMO, MANAGER, REDIRECT_URI, RU } from './harness';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const location = (response: Response) => {
  expect(response.status).toBe(302);
  const url = new URL(response.headers.get('location')!);
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
  return Object.fromEntries(url.searchParams);
};

describe('amoCRM emulator: the access popup (GET/POST /oauth)', () => {
  it('names the account and the signed-in user and offers Allow and Deny', async () => {
    const h = createHarness();
    const response = await h.request(`/oauth?client_id=${CLIENT_ID}&state=s1&mode=popup`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<strong data-testid="account">Acme</strong>');
    expect(html).toContain('acme.amocrm.ru');
    expect(html).toContain(`<strong data-testid="user">${ADMIN.name}</strong>`);
    expect(html).toContain('data-testid="allow"');
    expect(html).toContain('data-testid="deny"');
    expect(html).toContain('name="state" value="s1"');
    // the other account can be picked
    expect(html).toContain(`account_id=${KOMMO.id}`);
  });

  it('Allow installs the integration and redirects with code, referer, state and platform', async () => {
    const h = createHarness();
    const query = location(
      await h.request(
        '/oauth',
        form({ client_id: CLIENT_ID, account_id: String(RU.id), state: 'xyz', decision: 'allow' }),
      ),
    );
    expect(Object.keys(query).sort()).toEqual(['code', 'platform', 'referer', 'state']);
    expect(query).toMatchObject({ referer: 'acme.amocrm.ru', state: 'xyz', platform: '1' });
    expect(h.emulator.isInstalled(RU.id)).toBe(true);
    expect(h.emulator.listHookDeliveries()).toEqual([]);
    expect((await h.exchange(query.code!)).status).toBe(200);
  });

  it('leaves state out when none was sent, and says platform=2 for kommo.com', async () => {
    const h = createHarness();
    const query = location(
      await h.request('/oauth', form({ client_id: CLIENT_ID, account_id: String(KOMMO.id), decision: 'allow' })),
    );
    expect(query).not.toHaveProperty('state');
    expect(query).toMatchObject({ referer: 'globex.kommo.com', platform: '2' });
  });

  it('Deny redirects with error=access_denied and the state, without a code or an install', async () => {
    const h = createHarness();
    const query = location(
      await h.request(
        '/oauth',
        form({ client_id: CLIENT_ID, account_id: String(RU.id), state: 'st', decision: 'deny' }),
      ),
    );
    expect(query).toEqual({ error: 'access_denied', state: 'st' });
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
    expect(h.emulator.listCodes()).toEqual([]);
  });

  it('shows an error page and never redirects for a wrong or missing client_id', async () => {
    const h = createHarness();
    for (const path of ['/oauth?client_id=other&state=s', '/oauth?state=s', `/oauth?client_id=${CLIENT_ID}&mode=tab`]) {
      const response = await h.request(path);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('data-testid="error"');
    }
    const post = await h.request('/oauth', form({ client_id: 'other', account_id: String(RU.id), decision: 'allow' }));
    expect(post.status).toBe(400);
    expect(post.headers.get('location')).toBeNull();
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
  });

  it('refuses a first grant by a non-admin: no Allow on the page, 403 on a forged POST', async () => {
    const h = createHarness();
    h.emulator.setCurrentUser(RU.id, MANAGER.id);
    const html = await (await h.request(`/oauth?client_id=${CLIENT_ID}&account_id=${RU.id}`)).text();
    expect(html).toContain(`<strong data-testid="user">${MANAGER.name}</strong>`);
    expect(html).not.toContain('data-testid="allow"');
    expect(html).toContain('data-testid="admin-only"');
    const forged = await h.request(
      '/oauth',
      form({ client_id: CLIENT_ID, account_id: String(RU.id), decision: 'allow' }),
    );
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
    expect(h.emulator.isInstalled(RU.id)).toBe(false);
    // Deny stays open to anyone
    expect(
      location(await h.request('/oauth', form({ client_id: CLIENT_ID, account_id: String(RU.id), decision: 'deny' }))),
    ).toEqual({ error: 'access_denied' });
  });

  it('lets a manager grant once the integration is installed; the token carries the manager', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    h.emulator.setCurrentUser(RU.id, MANAGER.id);
    const html = await (await h.request(`/oauth?client_id=${CLIENT_ID}`)).text();
    expect(html).toContain('data-testid="allow"');
    const query = location(
      await h.request('/oauth', form({ client_id: CLIENT_ID, account_id: String(RU.id), decision: 'allow' })),
    );
    const pair = (await (await h.exchange(query.code!)).json()) as { access_token: string };
    const account = (await (await h.api('/api/v4/account', pair.access_token)).json()) as { current_user_id: number };
    expect(account.current_user_id).toBe(MANAGER.id);
    expect((await h.api(`/api/v4/users/${MANAGER.id}`, pair.access_token)).status).toBe(403);
  });

  it('keeps an existing query on the Redirect URI', async () => {
    const h = createHarness({ redirectUri: 'https://backend.example/amocrm/oauth?tenant=a' });
    const response = await h.request(
      '/oauth',
      form({ client_id: CLIENT_ID, account_id: String(RU.id), decision: 'deny' }),
    );
    const url = new URL(response.headers.get('location')!);
    expect(Object.fromEntries(url.searchParams)).toEqual({ tenant: 'a', error: 'access_denied' });
  });
});
