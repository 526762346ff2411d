import { expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createRefreshSweep } from '../../src/installation/create-refresh-sweep';
import { createTokenSource } from '../../src/installation/create-token-source';
import { openTokens } from '../../src/installation/installation-tokens';
import { findInstallation, markNeedsReauthorization, markRemoved } from '../../src/store/installations-repo';
import { describeEachDatabase } from '../store/helpers/test-databases';
import { createFakeAmocrmTokens } from './helpers/fake-amocrm-tokens';
import { seedInstallation, testSecretBox } from './helpers/seed-installation';

const T0 = 1_800_000_000_000;
const HOUR = 60 * 60 * 1000;

describeEachDatabase('createRefreshSweep', (t) => {
  /** Installs `accountId` with a token that expires `inMs` from T0. */
  async function install(amo: ReturnType<typeof createFakeAmocrmTokens>, accountId: number, inMs: number) {
    const pair = { ...amo.issue(), accessExpiresAt: T0 + inMs };
    await seedInstallation(t.db, accountId, pair, T0 - HOUR);
    return pair;
  }

  it('refreshes only the active installations due within aheadMs, through the real token source', async () => {
    const amo = createFakeAmocrmTokens(() => T0);
    const tokens = createTokenSource({
      db: t.db,
      secretBox: testSecretBox(),
      grant: amo.grant,
      baseUrlOf: () => 'https://shop.amocrm.ru',
      now: () => T0,
      ownerId: 'sweep',
    });
    const soon = await install(amo, 1, HOUR);
    const expired = await install(amo, 2, -HOUR);
    await install(amo, 3, 3 * HOUR);
    const reauth = await install(amo, 4, HOUR);
    await markNeedsReauthorization(t.db, 4, 1, T0);
    await install(amo, 5, HOUR);
    await markRemoved(t.db, 5, T0);

    const sweep = createRefreshSweep({ db: t.db, tokens, now: () => T0 });
    expect(await sweep.runOnce()).toEqual({ refreshed: 2, refused: 0, failed: 0 });
    expect(amo.refreshCalls.sort()).toEqual([soon.refreshToken, expired.refreshToken].sort());
    expect(amo.refreshCalls).not.toContain(reauth.refreshToken);
    for (const [accountId, seeded] of [
      [1, soon],
      [2, expired],
    ] as const) {
      const installation = await findInstallation(t.db, accountId);
      expect(installation).toMatchObject({ tokenVersion: 2, accessExpiresAt: T0 + 24 * HOUR });
      const stored = installation && openTokens(testSecretBox(), installation);
      expect(stored?.accessToken).toMatch(/^access-\d+$/);
      expect(stored?.accessToken).not.toBe(seeded.accessToken);
    }
    expect((await findInstallation(t.db, 3))?.tokenVersion).toBe(1);
    // Nothing is due any more.
    expect(await sweep.runOnce()).toEqual({ refreshed: 0, refused: 0, failed: 0 });
  });

  it('keeps going after one account fails, and counts refusals apart', async () => {
    const amo = createFakeAmocrmTokens(() => T0);
    for (const accountId of [1, 2, 3]) await install(amo, accountId, accountId * 60_000);
    const seen: number[] = [];
    const tokens = {
      async refreshIfDue(accountId: number, aheadMs?: number) {
        seen.push(accountId);
        expect(aheadMs).toBe(2 * HOUR);
        if (accountId === 1) throw new AmocrmError('network_error', 'reset', { endpoint: 'POST /oauth2/access_token' });
        return accountId === 2 ? ('refused' as const) : ('refreshed' as const);
      },
    };
    const sweep = createRefreshSweep({ db: t.db, tokens, now: () => T0 });
    expect(await sweep.runOnce()).toEqual({ refreshed: 1, refused: 1, failed: 1 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('takes at most `batch` installations per run, soonest expiry first', async () => {
    const amo = createFakeAmocrmTokens(() => T0);
    for (const accountId of [1, 2, 3]) await install(amo, accountId, (4 - accountId) * 60_000);
    const seen: number[] = [];
    const tokens = {
      refreshIfDue: async (accountId: number) => {
        seen.push(accountId);
        return 'fresh' as const;
      },
    };
    await createRefreshSweep({ db: t.db, tokens, now: () => T0, batch: 2 }).runOnce();
    expect(seen).toEqual([3, 2]);
  });

  it('never runs twice at once, and stop() waits for the run in progress', async () => {
    const amo = createFakeAmocrmTokens(() => T0);
    await install(amo, 1, HOUR);
    let calls = 0;
    let finish = () => {};
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tokens = {
      refreshIfDue: async () => {
        calls += 1;
        await gate;
        return 'refreshed' as const;
      },
    };
    const sweep = createRefreshSweep({ db: t.db, tokens, now: () => T0, intervalMs: 60_000 });
    sweep.start();
    const joined = sweep.runOnce();
    let stopped = false;
    const stopping = sweep.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(await joined).toEqual({ refreshed: 1, refused: 0, failed: 0 });
    expect(calls).toBe(1);
  });
});
