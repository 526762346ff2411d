import { expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createTokenSource, type TokenSourceOptions } from '../../src/installation/create-token-source';
import { openTokens, sealTokens } from '../../src/installation/installation-tokens';
import {
  findInstallation,
  markRemoved,
  recordInstallation,
  storeRefreshedTokens,
} from '../../src/store/installations-repo';
import { acquireLease } from '../../src/store/leases-repo';
import { recordLogs } from '../server/helpers/record-logs';
import { describeEachDatabase } from '../store/helpers/test-databases';
import { createFakeAmocrmTokens, DAY_MS } from './helpers/fake-amocrm-tokens';
import { seedInstallation, testSecretBox } from './helpers/seed-installation';

const T0 = 1_800_000_000_000;
const MIN = 60 * 1000;
const ACCOUNT = 32_000_001;
const BASE = 'https://shop.amocrm.ru';

describeEachDatabase('createTokenSource', (t) => {
  function setup(extra: Partial<TokenSourceOptions> = {}) {
    let clock = T0;
    const amo = createFakeAmocrmTokens(() => clock);
    const { logger, entries } = recordLogs();
    const source = createTokenSource({
      db: t.db,
      secretBox: testSecretBox(),
      grant: amo.grant,
      baseUrlOf: () => BASE,
      now: () => clock,
      ownerId: 'test-process',
      logger,
      ...extra,
    });
    return {
      amo,
      source,
      entries,
      /** Installs with a fresh pair (valid a day from now) and moves the clock by `afterMs`. */
      async install(afterMs = 0) {
        const pair = amo.issue();
        await seedInstallation(t.db, ACCOUNT, pair, clock);
        clock += afterMs;
        return pair;
      },
      advance(ms: number) {
        clock += ms;
      },
      stored: async () => {
        const installation = await findInstallation(t.db, ACCOUNT);
        if (!installation) throw new Error('no installation');
        return { installation, tokens: openTokens(testSecretBox(), installation) };
      },
    };
  }

  it('hands out the stored token while it is valid beyond the refresh margin, without refreshing', async () => {
    const s = setup();
    const pair = await s.install(DAY_MS - 6 * MIN);
    expect(await s.source.access(ACCOUNT)).toEqual({ baseUrl: BASE, accessToken: pair.accessToken });
    expect(s.amo.refreshCalls).toEqual([]);
  });

  it('refreshes ahead of expiry, stores the new pair under a new version before handing it out', async () => {
    const s = setup();
    const old = await s.install(DAY_MS - 4 * MIN);
    const access = await s.source.access(ACCOUNT);
    expect(s.amo.refreshCalls).toEqual([old.refreshToken]);
    expect(access.accessToken).not.toBe(old.accessToken);
    expect(s.amo.works(access.accessToken)).toBe(true);
    const { installation, tokens } = await s.stored();
    expect(tokens?.accessToken).toBe(access.accessToken);
    expect(installation).toMatchObject({ tokenVersion: 2, state: 'active' });
    // And the next call uses it: no second refresh.
    expect(await s.source.access(ACCOUNT)).toEqual(access);
    expect(s.amo.refreshCalls).toHaveLength(1);
  });

  it('refreshes once for many concurrent callers in one process', async () => {
    const s = setup();
    await s.install(DAY_MS - MIN);
    const release = s.amo.holdAnswers();
    const calls = Array.from({ length: 5 }, () => s.source.access(ACCOUNT));
    setTimeout(release, 50);
    const tokens = new Set((await Promise.all(calls)).map((a) => a.accessToken));
    expect(s.amo.refreshCalls).toHaveLength(1);
    expect(tokens.size).toBe(1);
    expect(s.amo.works([...tokens][0] ?? '')).toBe(true);
  });

  it('after a 401 refreshes once, and a second caller refused with the same token gets the new one', async () => {
    const s = setup();
    const old = await s.install();
    const first = await s.source.refreshAfterUnauthorized(ACCOUNT, old.accessToken);
    expect(first.accessToken).not.toBe(old.accessToken);
    const second = await s.source.refreshAfterUnauthorized(ACCOUNT, old.accessToken);
    expect(second).toEqual(first);
    expect(s.amo.refreshCalls).toEqual([old.refreshToken]);
    // The new token refused too (revoked for another reason): refreshed again.
    const third = await s.source.refreshAfterUnauthorized(ACCOUNT, first.accessToken);
    expect(third.accessToken).not.toBe(first.accessToken);
    expect(s.amo.refreshCalls).toHaveLength(2);
  });

  it('marks the installation for reauthorization when amoCRM refuses the refresh token, and throws', async () => {
    const s = setup();
    await s.install(DAY_MS - MIN);
    s.amo.revokeAll();
    const refused = await s.source.access(ACCOUNT).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AmocrmError);
    expect(refused).toMatchObject({ code: 'grant_refused', status: 400 });
    expect((await s.stored()).installation.state).toBe('needs_reauthorization');
    // From now on the source refuses at once, with no more calls to amoCRM (no refresh loop).
    await expect(s.source.access(ACCOUNT)).rejects.toMatchObject({ code: 'grant_refused' });
    await expect(s.source.refreshAfterUnauthorized(ACCOUNT, 'x')).rejects.toMatchObject({ code: 'grant_refused' });
    expect(await s.source.refreshIfDue(ACCOUNT)).toBe('refused');
    expect(s.amo.refreshCalls).toHaveLength(1);
  });

  it('keeps serving a still-valid token when a refresh ahead of expiry fails for a passing reason', async () => {
    const s = setup();
    const old = await s.install(DAY_MS - 2 * MIN);
    s.amo.failNext(new AmocrmError('upstream_error', 'bad gateway', { endpoint: 'POST /oauth2/access_token' }));
    expect(await s.source.access(ACCOUNT)).toEqual({ baseUrl: BASE, accessToken: old.accessToken });
    expect((await s.stored()).installation).toMatchObject({ state: 'active', tokenVersion: 1 });
    // The next call tries again and succeeds.
    const access = await s.source.access(ACCOUNT);
    expect(s.amo.works(access.accessToken)).toBe(true);
  });

  it('throws a passing failure when the stored token has already expired', async () => {
    const s = setup();
    await s.install(DAY_MS + MIN);
    s.amo.failNext(new AmocrmError('network_error', 'reset', { endpoint: 'POST /oauth2/access_token' }));
    await expect(s.source.access(ACCOUNT)).rejects.toMatchObject({ code: 'network_error' });
    expect((await s.stored()).installation.state).toBe('active');
  });

  it('refuses a missing, removed or unauthorized installation as grant_refused, asking amoCRM nothing', async () => {
    const s = setup();
    await expect(s.source.access(ACCOUNT)).rejects.toMatchObject({
      code: 'grant_refused',
      endpoint: 'token source',
    });
    await s.install();
    await markRemoved(t.db, ACCOUNT, T0);
    await expect(s.source.access(ACCOUNT)).rejects.toMatchObject({ code: 'grant_refused' });
    expect(await s.source.refreshIfDue(ACCOUNT)).toBe('refused');
    expect(s.amo.refreshCalls).toEqual([]);
  });

  it('waits while another process holds the lease, then uses the pair it stored', async () => {
    const sleeps: number[] = [];
    let other: (() => Promise<void>) | undefined;
    const s = setup({
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 2) await other?.();
      },
    });
    await s.install(DAY_MS - MIN);
    await acquireLease(t.db, { name: `amocrm-refresh:${ACCOUNT}`, owner: 'elsewhere', ttlMs: DAY_MS, now: T0 });
    const theirs = s.amo.issue();
    other = async () => {
      await storeRefreshedTokens(t.db, ACCOUNT, 1, sealTokens(testSecretBox(), ACCOUNT, theirs), T0);
    };
    expect(await s.source.access(ACCOUNT)).toEqual({ baseUrl: BASE, accessToken: theirs.accessToken });
    expect(s.amo.refreshCalls).toEqual([]);
    expect(sleeps).toEqual([100, 100]);
  });

  it('gives up waiting for a lease after waitMs: the valid token is served, an expired one is an error', async () => {
    let sleeps = 0;
    const s = setup({
      waitMs: 1000,
      sleep: async () => {
        sleeps += 1;
      },
    });
    const old = await s.install(DAY_MS - MIN);
    await acquireLease(t.db, { name: `amocrm-refresh:${ACCOUNT}`, owner: 'stuck', ttlMs: 2 * DAY_MS, now: T0 });
    expect((await s.source.access(ACCOUNT)).accessToken).toBe(old.accessToken);
    expect(sleeps).toBe(10);
    s.advance(2 * MIN);
    await expect(s.source.access(ACCOUNT)).rejects.toMatchObject({ code: 'timeout' });
    expect(s.amo.refreshCalls).toEqual([]);
  });

  it('takes over a lease whose holder died (expired), and refreshes', async () => {
    const s = setup();
    await s.install(DAY_MS - MIN);
    await acquireLease(t.db, { name: `amocrm-refresh:${ACCOUNT}`, owner: 'dead', ttlMs: 1000, now: T0 });
    const access = await s.source.access(ACCOUNT);
    expect(s.amo.works(access.accessToken)).toBe(true);
    expect(s.amo.refreshCalls).toHaveLength(1);
  });

  it('keeps a reinstall that lands during a refresh, and never hands out the unsaved pair', async () => {
    const s = setup();
    await s.install(DAY_MS - MIN);
    const release = s.amo.holdAnswers();
    const pending = s.source.access(ACCOUNT);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reinstalled = s.amo.issue();
    await recordInstallation(
      t.db,
      {
        accountId: ACCOUNT,
        subdomain: 'shop',
        domain: 'amocrm.ru',
        region: 'ru',
        amojoId: '00000000-0000-4000-8000-000000000001',
        installedBy: 1,
        tokens: sealTokens(testSecretBox(), ACCOUNT, reinstalled),
      },
      T0,
    );
    release();
    expect((await pending).accessToken).toBe(reinstalled.accessToken);
    expect((await s.stored()).tokens?.accessToken).toBe(reinstalled.accessToken);
  });

  it('refreshIfDue answers fresh, refreshed or refused', async () => {
    const s = setup();
    await s.install(DAY_MS - 3 * 60 * MIN);
    expect(await s.source.refreshIfDue(ACCOUNT)).toBe('fresh');
    expect(await s.source.refreshIfDue(ACCOUNT, 4 * 60 * MIN)).toBe('refreshed');
    expect(await s.source.refreshIfDue(ACCOUNT, 4 * 60 * MIN)).toBe('fresh');
    s.amo.revokeAll();
    expect(await s.source.refreshIfDue(ACCOUNT, 2 * DAY_MS)).toBe('refused');
    expect((await s.stored()).installation.state).toBe('needs_reauthorization');
  });

  it('logs no token, whatever happens', async () => {
    const s = setup();
    const old = await s.install(DAY_MS - MIN);
    const fresh = await s.source.access(ACCOUNT);
    s.amo.failNext(new AmocrmError('upstream_error', 'bad gateway', { endpoint: 'POST /oauth2/access_token' }));
    await s.source.refreshAfterUnauthorized(ACCOUNT, fresh.accessToken).catch(() => {});
    s.amo.revokeAll();
    await s.source.refreshAfterUnauthorized(ACCOUNT, fresh.accessToken).catch(() => {});
    const text = JSON.stringify(s.entries);
    expect(s.entries.length).toBeGreaterThan(0);
    for (const token of [old.accessToken, old.refreshToken, fresh.accessToken, 'refresh-']) {
      expect(text).not.toContain(token);
    }
  });
});
