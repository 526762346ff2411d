import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/http/app-error';
import { type AccountGuardDeps, createAccountGuard } from '../../../../src/installation/create-account-guard';
import { findInstallation } from '../../../../src/store/installations-repo';
import { migrateToLatest } from '../../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../../src/store/open-database';
import { createFakeAmocrmClient, type FakeAmocrmClient } from '../../../helpers/fake-amocrm-client';
import { seedInstallation } from '../../../helpers/seed-installation';

const ACCOUNT = { accountId: 40_000_001, subdomain: 'guarded', amojoId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
const ADMIN = 11;
const T0 = Date.UTC(2026, 2, 2, 10);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

// The guard's edges the route tests (installation-guard.test.ts) do not reach: the cache's bound, how each amoCRM
// failure reads, and the amojo id kept when amoCRM cannot be asked.
describe('createAccountGuard', () => {
  let opened: OpenedDatabase;
  let amocrm: FakeAmocrmClient;
  let clock: { now: number };
  const guardWith = (extra: Partial<AccountGuardDeps> = {}) =>
    createAccountGuard({
      db: opened.db,
      client: amocrm.client,
      now: () => clock.now,
      grantUrl: (accountId, lang) => `https://grant.test/${accountId}/${lang ?? '-'}`,
      ...extra,
    });

  beforeEach(async () => {
    clock = { now: T0 };
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    await seedInstallation(opened.db, ACCOUNT, T0);
    amocrm = createFakeAmocrmClient({
      [ACCOUNT.accountId]: { subdomain: ACCOUNT.subdomain, amojoId: ACCOUNT.amojoId, admins: [ADMIN, 12, 13] },
    });
  });
  afterEach(() => opened.close());

  it('keeps at most maxCached admin answers, dropping the oldest first', async () => {
    const guard = guardWith({ maxCached: 2 });
    for (const userId of [ADMIN, 12, 13])
      expect(await guard.isAdmin({ accountId: ACCOUNT.accountId, userId })).toBe(true);
    expect(amocrm.callsOf('user')).toHaveLength(3);
    await guard.isAdmin({ accountId: ACCOUNT.accountId, userId: 13 });
    expect(amocrm.callsOf('user')).toHaveLength(3);
    await guard.isAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN });
    expect(amocrm.callsOf('user')).toHaveLength(4);
  });

  it('reads a token that may not read users (null) as no admin', async () => {
    amocrm.setAccount(ACCOUNT.accountId, { usersForbidden: true });
    const guard = guardWith();
    expect(await guard.isAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN })).toBe(false);
    const refused = await rejection(guard.requireAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN }));
    expect([refused.code, refused.status]).toEqual(['admin_required', 403]);
  });

  it('never caches a failure: the next request asks amoCRM again', async () => {
    amocrm.fail(ACCOUNT.accountId, { code: 'upstream_error', method: 'user', times: 1 });
    const guard = guardWith();
    const failed = await rejection(guard.isAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN }));
    expect([failed.code, failed.status, failed.retryAfter]).toEqual(['channel_unavailable', 503, 15]);
    expect(await guard.isAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN })).toBe(true);
  });

  it('passes the caller’s language to the grant URL', async () => {
    amocrm.fail(ACCOUNT.accountId, { code: 'grant_refused' });
    const guard = guardWith();
    const error = await rejection(guard.isAdmin({ accountId: ACCOUNT.accountId, userId: ADMIN, lang: 'es' }));
    expect([error.code, error.status, error.grantUrl]).toEqual([
      'account_not_installed',
      409,
      `https://grant.test/${ACCOUNT.accountId}/es`,
    ]);
    expect(await guardWith().installationOf({ accountId: 99 })).toEqual({
      installation: { state: 'missing', grant_url: 'https://grant.test/99/-' },
      row: undefined,
    });
  });

  it('judges no claim against a stale amojo id while amoCRM cannot be asked, and keeps the stored one', async () => {
    const guard = guardWith({ amojoTtlMs: 1000 });
    const installation = await findInstallation(opened.db, ACCOUNT.accountId);
    if (installation === undefined) throw new Error('seeded above');
    clock.now += 1000;
    amocrm.fail(ACCOUNT.accountId, { code: 'timeout', method: 'account', times: 1 });
    const identity = { accountId: ACCOUNT.accountId, userId: ADMIN };
    const error = await rejection(guard.requireAmojoId(identity, installation, ACCOUNT.amojoId));
    expect(error.code).toBe('channel_unavailable');
    expect(await findInstallation(opened.db, ACCOUNT.accountId)).toEqual(installation);

    await guard.requireAmojoId(identity, installation, ACCOUNT.amojoId.toUpperCase());
    expect(await findInstallation(opened.db, ACCOUNT.accountId)).toMatchObject({ amojoCheckedAt: clock.now });
  });
});
