import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { accountBaseUrl } from '../../src/amocrm/account-base-url';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createAmocrmClient } from '../../src/amocrm/create-amocrm-client';
import { createOAuthGrant } from '../../src/amocrm/oauth-grant';
import type { FetchLike } from '../../src/egress/fetch-like';
import { createAccountGuard } from '../../src/installation/create-account-guard';
import { createTokenSource } from '../../src/installation/create-token-source';
import { installAccount } from '../../src/installation/install-account';
import { InstallRefused } from '../../src/installation/install-refused';
import { openTokens } from '../../src/installation/installation-tokens';
import { uninstallAccount } from '../../src/installation/uninstall-account';
import { createAmocrmEmulator } from '../../src/sandbox/amocrm-emulator/create-amocrm-emulator';
import { findInstallation } from '../../src/store/installations-repo';
import { createSecretBox } from '../../src/store/secret-box';
import { describeEachDatabase } from '../store/helpers/test-databases';

const CLIENT_ID = '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const CLIENT_SECRET = 'emulated-integration-secret';
const REDIRECT_URI = 'https://channel.example/amocrm/oauth';
const BASE = 'http://amocrm.emulator';
const ACCOUNT = {
  id: 29_000_001,
  subdomain: 'acme',
  domain: 'amocrm.ru' as const,
  amojoId: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924',
};
const ADMIN = 4001;
const MANAGER = 4002;
const host = { subdomain: 'acme', domain: 'amocrm.ru' as const, region: 'ru' as const };

// Every OAuth step of an install against the emulated amoCRM, through the production grant, client and token source.
describeEachDatabase('install against the amoCRM emulator', (t) => {
  function setup() {
    let clock = Date.UTC(2026, 11, 7, 12);
    const emulator = createAmocrmEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      accounts: [ACCOUNT],
      users: [
        { id: ADMIN, accountId: ACCOUNT.id, name: 'Admin', isAdmin: true },
        { id: MANAGER, accountId: ACCOUNT.id, name: 'Manager', isAdmin: false },
      ],
      rateLimitPerSecond: null,
      now: () => new Date(clock),
      // The widget-install call to our redirect URI is not what these tests are about: it is answered and dropped.
      fetch: async () => new Response('{}'),
    });
    const fetch: FetchLike = (url, init) => emulator.handle(new Request(url, init as RequestInit));
    const now = () => clock;
    const secretBox = createSecretBox(randomBytes(32).toString('base64'));
    const grant = createOAuthGrant({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      fetch,
      now: () => new Date(clock),
    });
    const tokens = createTokenSource({
      db: t.db,
      secretBox,
      grant,
      baseUrlOf: (i) => accountBaseUrl(i, BASE),
      now,
      ownerId: 'test',
    });
    const client = createAmocrmClient({ tokens, fetch, sleep: async () => {} });
    const install = (code: string, expectedAccountId?: number, receivedAt?: number) =>
      installAccount(
        { db: t.db, secretBox, grant, client, baseUrlOf: (h) => accountBaseUrl(h, BASE), now },
        { host, code, expectedAccountId, receivedAt },
      );
    return {
      emulator,
      secretBox,
      client,
      install,
      advance: (ms: number) => {
        clock += ms;
      },
      async codeFor(userId: number) {
        if (!emulator.isInstalled(ACCOUNT.id)) await emulator.install(ACCOUNT.id, ADMIN);
        return emulator.issueCode(ACCOUNT.id, userId).code;
      },
    };
  }

  it('exchanges an admin code, records what amoCRM reports, and stores the pair sealed', async () => {
    const s = setup();
    const result = await s.install(await s.codeFor(ADMIN));
    const stored = await findInstallation(t.db, ACCOUNT.id);
    expect(stored).toMatchObject({
      state: 'active',
      amojoId: ACCOUNT.amojoId,
      installedBy: ADMIN,
      subdomain: 'acme',
      domain: 'amocrm.ru',
    });
    expect(result.reconnectedLinkId).toBeUndefined();
    const pair = s.emulator.listTokenPairs().at(-1);
    expect(stored?.accessTokenEnc).not.toContain(pair?.accessToken);
    expect(openTokens(s.secretBox, stored!)).toEqual({
      accessToken: pair?.accessToken,
      refreshToken: pair?.refreshToken,
    });
    expect((await s.client.account(ACCOUNT.id)).amojo_id).toBe(ACCOUNT.amojoId);
  });

  it('refuses a code used twice and a code older than 20 minutes, and records nothing', async () => {
    const s = setup();
    const code = await s.codeFor(ADMIN);
    await s.install(code);
    await expect(s.install(code)).rejects.toMatchObject({ code: 'grant_refused' });
    const late = await s.codeFor(ADMIN);
    s.advance(20 * 60_000 + 1);
    await expect(s.install(late)).rejects.toBeInstanceOf(AmocrmError);
    expect(s.emulator.stats().codeExchanges).toBe(1);
  });

  it("refuses a manager's grant and a grant for another account than the popup was opened for", async () => {
    const s = setup();
    await expect(s.install(await s.codeFor(MANAGER))).rejects.toEqual(new InstallRefused('not_admin'));
    await expect(s.install(await s.codeFor(ADMIN), ACCOUNT.id + 1)).rejects.toEqual(
      new InstallRefused('account_mismatch'),
    );
    expect(await findInstallation(t.db, ACCOUNT.id)).toBeUndefined();
  });

  it('lets a removal recorded after a code arrived win over that older install', async () => {
    const s = setup();
    await s.install(await s.codeFor(ADMIN));
    const arrived = Date.UTC(2026, 11, 7, 12);
    const code = await s.codeFor(ADMIN);
    s.advance(1000);
    await uninstallAccount(t.db, ACCOUNT.id, arrived + 500);
    await expect(s.install(code, undefined, arrived)).rejects.toEqual(new InstallRefused('superseded'));
    expect((await findInstallation(t.db, ACCOUNT.id))?.state).toBe('removed');
    // A code that arrived after the removal installs again.
    await s.install(await s.codeFor(ADMIN), undefined, arrived + 1000);
    expect((await findInstallation(t.db, ACCOUNT.id))?.state).toBe('active');
  });

  it('refreshes once after a 401 and goes on with the new pair', async () => {
    const s = setup();
    await s.install(await s.codeFor(ADMIN));
    s.emulator.expireAccessTokens(ACCOUNT.id);
    expect((await s.client.user(ACCOUNT.id, ADMIN))?.rights.is_admin).toBe(true);
    expect(s.emulator.stats().refreshGrants).toBe(1);
    expect((await findInstallation(t.db, ACCOUNT.id))?.tokenVersion).toBe(2);
  });

  it('refreshes ahead of expiry, so a short-lived token never reaches amoCRM expired', async () => {
    const s = setup();
    s.emulator.setAccessTokenTtl(120);
    await s.install(await s.codeFor(ADMIN));
    s.advance(60_000);
    await s.client.account(ACCOUNT.id);
    expect(s.emulator.stats().refreshGrants).toBe(1);
    expect(s.emulator.stats().apiStatuses).not.toHaveProperty('401');
  });

  it('marks the installation needs_reauthorization when a reused refresh token revokes the pair', async () => {
    const s = setup();
    await s.install(await s.codeFor(ADMIN));
    const stolen = openTokens(s.secretBox, (await findInstallation(t.db, ACCOUNT.id))!)!.refreshToken;
    // Someone else spends the stored refresh token first; ours is then a reuse, which amoCRM treats as theft.
    const thief = await s.emulator.handle(
      new Request(`${BASE}/oauth2/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          grant_type: 'refresh_token',
          refresh_token: stolen,
          redirect_uri: REDIRECT_URI,
        }),
      }),
    );
    expect(thief.status).toBe(200);
    s.emulator.expireAccessTokens(ACCOUNT.id);
    await expect(s.client.account(ACCOUNT.id)).rejects.toMatchObject({ code: 'grant_refused' });
    expect((await findInstallation(t.db, ACCOUNT.id))?.state).toBe('needs_reauthorization');
    const guard = createAccountGuard({
      db: t.db,
      client: s.client,
      now: Date.now,
      grantUrl: (id) => `${BASE}/oauth?for=${id}`,
    });
    await expect(guard.requireActive({ accountId: ACCOUNT.id, userId: ADMIN })).rejects.toMatchObject({
      code: 'account_not_installed',
      grantUrl: `${BASE}/oauth?for=${ACCOUNT.id}`,
    });
  });
});
