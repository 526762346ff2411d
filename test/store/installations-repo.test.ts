import { expect, it } from 'vitest';
import {
  findInstallation,
  type InstallationInput,
  listInstallations,
  listInstallationsDueForRefresh,
  markNeedsReauthorization,
  markRemoved,
  recordInstallation,
  type SealedTokens,
  storeRefreshedTokens,
  updateProvenAmojoId,
} from '../../src/store/installations-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_800_000_000_000;
const HOUR = 60 * 60 * 1000;

const sealed = (n: number, accessExpiresAt = T0 + 24 * HOUR): SealedTokens => ({
  accessTokenEnc: `v1.access-${n}`,
  refreshTokenEnc: `v1.refresh-${n}`,
  accessExpiresAt,
});

const input = (accountId: number, overrides: Partial<InstallationInput> = {}): InstallationInput => ({
  accountId,
  subdomain: `shop${accountId}`,
  domain: 'amocrm.ru',
  region: 'ru',
  amojoId: 'AF9945FF-1490-4CAD-807D-945C15D88BEC',
  installedBy: 501,
  tokens: sealed(1),
  ...overrides,
});

describeEachDatabase('installations repo', (t) => {
  it('records an install as active at version 1, the amojo id in lower case and proven now', async () => {
    const recorded = await recordInstallation(t.db, input(31_000_001), T0);
    expect(recorded).toEqual({
      accountId: 31_000_001,
      subdomain: 'shop31000001',
      domain: 'amocrm.ru',
      region: 'ru',
      amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec',
      installedBy: 501,
      installedAt: T0,
      state: 'active',
      ...sealed(1),
      tokenVersion: 1,
      amojoCheckedAt: T0,
      removedAt: null,
      updatedAt: T0,
    });
    expect(await findInstallation(t.db, 31_000_001)).toEqual(recorded);
    expect(await findInstallation(t.db, 31_000_002)).toBeUndefined();
  });

  it('re-records a removed installation: active again, new pair, version moved on, removal forgotten', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    expect(await markRemoved(t.db, 31_000_001, T0 + 1)).toBe(true);
    const again = await recordInstallation(
      t.db,
      input(31_000_001, { installedBy: 777, domain: 'kommo.com', region: 'kommo', tokens: sealed(2) }),
      T0 + 2,
    );
    expect(again).toMatchObject({
      state: 'active',
      installedBy: 777,
      installedAt: T0 + 2,
      domain: 'kommo.com',
      region: 'kommo',
      ...sealed(2),
      tokenVersion: 3, // 1 install, 2 removal, 3 reinstall
      removedAt: null,
      amojoCheckedAt: T0 + 2,
    });
  });

  it('stores a refreshed pair only at the version it read (fencing), and moves the version on', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    const stored = await storeRefreshedTokens(t.db, 31_000_001, 1, sealed(2), T0 + 5);
    expect(stored).toMatchObject({ ...sealed(2), tokenVersion: 2, updatedAt: T0 + 5 });
    // A second refresher that read version 1 is refused, and the first one's pair stands.
    expect(await storeRefreshedTokens(t.db, 31_000_001, 1, sealed(3), T0 + 6)).toBeUndefined();
    expect(await findInstallation(t.db, 31_000_001)).toMatchObject({ ...sealed(2), tokenVersion: 2 });
    expect(await storeRefreshedTokens(t.db, 31_000_404, 0, sealed(3), T0 + 6)).toBeUndefined();
  });

  it('lets exactly one of two concurrent refreshes of one version store its pair', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    const results = await Promise.all([
      storeRefreshedTokens(t.db, 31_000_001, 1, sealed(2), T0 + 1),
      storeRefreshedTokens(t.db, 31_000_001, 1, sealed(3), T0 + 1),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect((await findInstallation(t.db, 31_000_001))?.tokenVersion).toBe(2);
  });

  it('marks for reauthorization only at the current version, and stores no refresh afterwards', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    await storeRefreshedTokens(t.db, 31_000_001, 1, sealed(2), T0 + 1);
    // A refusal of the stale pair (version 1) must not condemn the fresh one.
    expect(await markNeedsReauthorization(t.db, 31_000_001, 1, T0 + 2)).toBe(false);
    expect((await findInstallation(t.db, 31_000_001))?.state).toBe('active');
    expect(await markNeedsReauthorization(t.db, 31_000_001, 2, T0 + 3)).toBe(true);
    expect(await findInstallation(t.db, 31_000_001)).toMatchObject({ state: 'needs_reauthorization', tokenVersion: 2 });
    expect(await storeRefreshedTokens(t.db, 31_000_001, 2, sealed(3), T0 + 4)).toBeUndefined();
    expect(await markNeedsReauthorization(t.db, 31_000_001, 2, T0 + 5)).toBe(false);
  });

  it('removes by purging the tokens, once, and fences out a refresh that was in flight', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    expect(await markRemoved(t.db, 31_000_001, T0 + 1)).toBe(true);
    expect(await findInstallation(t.db, 31_000_001)).toMatchObject({
      state: 'removed',
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      removedAt: T0 + 1,
      tokenVersion: 2,
    });
    expect(await markRemoved(t.db, 31_000_001, T0 + 2)).toBe(false);
    expect((await findInstallation(t.db, 31_000_001))?.removedAt).toBe(T0 + 1);
    expect(await storeRefreshedTokens(t.db, 31_000_001, 1, sealed(2), T0 + 3)).toBeUndefined();
    expect(await storeRefreshedTokens(t.db, 31_000_001, 2, sealed(2), T0 + 3)).toBeUndefined();
    expect(await markRemoved(t.db, 31_000_404, T0)).toBe(false);
  });

  it('records the amojo id amoCRM told again, in lower case, and when', async () => {
    await recordInstallation(t.db, input(31_000_001), T0);
    await updateProvenAmojoId(t.db, 31_000_001, 'B0000000-0000-4000-8000-00000000000B', T0 + HOUR);
    expect(await findInstallation(t.db, 31_000_001)).toMatchObject({
      amojoId: 'b0000000-0000-4000-8000-00000000000b',
      amojoCheckedAt: T0 + HOUR,
      updatedAt: T0 + HOUR,
      installedAt: T0,
    });
  });

  it('lists every installation, and only the active ones due for refresh, soonest first, up to the limit', async () => {
    await recordInstallation(t.db, input(31_000_003, { tokens: sealed(1, T0 + 3 * HOUR) }), T0);
    await recordInstallation(t.db, input(31_000_001, { tokens: sealed(1, T0 + 1 * HOUR) }), T0);
    await recordInstallation(t.db, input(31_000_002, { tokens: sealed(1, T0 + 2 * HOUR) }), T0);
    await recordInstallation(t.db, input(31_000_004, { tokens: sealed(1, T0 + 30 * HOUR) }), T0);
    await recordInstallation(t.db, input(31_000_005, { tokens: sealed(1, T0) }), T0);
    await recordInstallation(t.db, input(31_000_006, { tokens: sealed(1, T0) }), T0);
    await markNeedsReauthorization(t.db, 31_000_005, 1, T0);
    await markRemoved(t.db, 31_000_006, T0);

    expect((await listInstallations(t.db)).map((i) => i.accountId)).toEqual([
      31_000_001, 31_000_002, 31_000_003, 31_000_004, 31_000_005, 31_000_006,
    ]);
    const ids = async (before: number, limit: number) =>
      (await listInstallationsDueForRefresh(t.db, before, limit)).map((i) => i.accountId);
    expect(await ids(T0 + 4 * HOUR, 10)).toEqual([31_000_001, 31_000_002, 31_000_003]);
    expect(await ids(T0 + 4 * HOUR, 2)).toEqual([31_000_001, 31_000_002]);
    // Strictly before: a token expiring exactly at the bound is not yet due.
    expect(await ids(T0 + 1 * HOUR, 10)).toEqual([]);
  });
});
