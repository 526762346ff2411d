import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from '../../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import {
  ADMIN,
  CLIENT_ID,
  CLIENT_SECRET,
  KOMMO,
  KOMMO_ADMIN,
  MANAGER,
  RU,
  startBackendReceiver,
  type TokenBody,
} from './harness';

type Receiver = Awaited<ReturnType<typeof startBackendReceiver>>;
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('amoCRM emulator over HTTP', () => {
  let backend: Receiver;
  let running: RunningAmocrmEmulator;
  const redirectUri = () => `${backend.url}/amocrm/oauth`;

  beforeEach(async () => {
    backend = await startBackendReceiver();
    running = await startAmocrmEmulator({
      port: 0,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${backend.url}/amocrm/oauth`,
      disconnectHookUrl: `${backend.url}/amocrm/disconnect`,
      accounts: [RU, KOMMO],
      users: [ADMIN, MANAGER, KOMMO_ADMIN],
      links: [{ label: 'Backend', url: 'http://127.0.0.1:8080' }],
    });
  });
  afterEach(async () => {
    await running.close();
    await backend.close();
  });

  const control = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const response = await fetch(`${running.url}/_control${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('runs an install end to end: control install, the redirect, code exchange, account and user calls', async () => {
    const installed = await control('/install', { accountId: RU.id });
    expect(installed.status).toBe(200);
    const code = installed.body.code as string;
    expect(backend.received[0]!.url.searchParams.get('code')).toBe(code);

    const tokenResponse = await fetch(`${running.url}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(),
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const pair = (await tokenResponse.json()) as TokenBody;
    const auth = { Authorization: `Bearer ${pair.access_token}` };
    const account = await fetch(`${running.url}/api/v4/account?with=amojo_id`, { headers: auth });
    expect(account.headers.get('content-type')).toBe('application/hal+json');
    expect(await account.json()).toMatchObject({ id: RU.id, amojo_id: RU.amojoId, current_user_id: ADMIN.id });
    const user = await fetch(`${running.url}/api/v4/users/${ADMIN.id}`, { headers: auth });
    expect(await user.json()).toMatchObject({ id: ADMIN.id, rights: { is_admin: true } });

    const uninstalled = await control('/uninstall', { accountId: RU.id });
    expect(uninstalled.body.delivery).toMatchObject({ kind: 'disconnect', state: 'delivered' });
    expect((await fetch(`${running.url}/api/v4/account`, { headers: auth })).status).toBe(401);

    const state = await control('/state');
    expect(state.body).toMatchObject({
      settings: { accessTokenTtlSeconds: 86_400, rateLimitPerSecond: 7 },
      stats: { codeExchanges: 1, apiCalls: { '/api/v4/account': 2 } },
    });
    expect(state.body.hooks).toHaveLength(2);
  });

  it('answers 400 naming the field for every bad control input', async () => {
    const cases: [string, unknown, string][] = [
      ['/install', {}, 'accountId'],
      ['/install', { accountId: 'one' }, 'accountId'],
      ['/install', { accountId: RU.id, userId: -1 }, 'userId'],
      ['/uninstall', { accountId: RU.id, extra: 1 }, 'extra'],
      ['/current-user', { accountId: RU.id }, 'userId'],
      ['/codes', { userId: ADMIN.id }, 'accountId'],
      ['/token-ttl', { seconds: 0 }, 'seconds'],
      ['/expire-tokens', { accountId: 1.5 }, 'accountId'],
      ['/rate-limit', {}, 'perSecond'],
      ['/faults', { endpoint: 'token', status: 404, count: 1 }, 'status'],
    ];
    for (const [path, body, field] of cases) {
      const result = await control(path, body);
      expect(result.status, path).toBe(400);
      const errors = result.body.errors as { path: string }[];
      expect(
        errors.some((e) => e.path === field || e.path.startsWith(`${field}`)),
        `${path} ${JSON.stringify(result.body)}`,
      ).toBe(true);
    }
    const notJson = await control('/install', '{nope');
    expect(notJson).toEqual({ status: 400, body: { error: 'body is not valid JSON' } });
  });

  it('answers 404 for unknown accounts, users and routes, 405 for a wrong method, 403/409 for refused actions', async () => {
    expect((await control('/install', { accountId: 42 })).status).toBe(404);
    expect((await control('/current-user', { accountId: RU.id, userId: KOMMO_ADMIN.id })).status).toBe(404);
    expect((await control('/nope')).status).toBe(404);
    expect((await control('/install')).status).toBe(405);
    expect((await control('/install', { accountId: RU.id, userId: MANAGER.id })).status).toBe(403);
    expect((await control('/codes', { accountId: RU.id, userId: ADMIN.id })).status).toBe(409);
  });

  it('sets the current user, the token TTL, the rate limit and faults, and expires tokens', async () => {
    expect((await control('/current-user', { accountId: RU.id, userId: MANAGER.id })).body).toMatchObject({
      id: MANAGER.id,
    });
    expect((await control('/token-ttl', { seconds: 60 })).body).toMatchObject({ accessTokenTtlSeconds: 60 });
    expect((await control('/rate-limit', { perSecond: null })).body).toMatchObject({ rateLimitPerSecond: null });
    expect((await control('/expire-tokens', {})).body).toEqual({ expired: 0 });
    const faults = await control('/faults', { endpoint: 'account', status: 503, retryAfter: 1, count: 1 });
    expect(faults.body.statuses).toEqual([{ endpoint: 'account', status: 503, retryAfter: 1, remaining: 1 }]);
    const response = await fetch(`${running.url}/api/v4/account`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await control('/faults', undefined, 'DELETE')).body).toMatchObject({ statuses: [], refuseRefresh: false });
    expect((await control('/accounts')).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: RU.id, currentUserId: MANAGER.id, installed: false })]),
    );
  });

  it('serves the root page with its version, the popup link and the control views', async () => {
    const response = await fetch(`${running.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('amoCRM emulator');
    expect(html).toContain(`<span data-testid="version">${packageVersion}</span>`);
    expect(html).not.toContain(CLIENT_SECRET);
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]!.replaceAll('&#38;', '&'));
    expect(hrefs).toEqual(expect.arrayContaining(['/_control/state', '/_control/hooks', 'http://127.0.0.1:8080']));
    for (const href of hrefs.filter((h) => h.startsWith('/'))) {
      expect((await fetch(`${running.url}${href}`)).status, href).toBe(200);
    }
  });

  it('refuses oversized bodies with 413', async () => {
    const response = await fetch(`${running.url}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
  });
});
