import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createMediaQuota, MEDIA_KEEP_MS } from '../../src/media/create-media-quota';
import {
  mediaUsageOf,
  pruneMediaUsage,
  releaseMediaUsage,
  reserveMediaUsage,
  settleMediaUsage,
} from '../../src/store/media-usage-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const window = (at: number) => ({ keptSince: at - MEDIA_KEEP_MS, pendingSince: at - 15 * 60_000 });

describeEachDatabase('media usage per account', (t) => {
  const reserve = (at: number, id: string, bytes: number, accountId = 'acc-a', quotaBytes = 100) =>
    reserveMediaUsage(t.db, at, { id, accountId, bytes, quotaBytes, ...window(at) });

  it('reserves under the quota, refuses what would exceed it, and keeps accounts apart', async () => {
    expect(await reserve(T0, 'f1', 60)).toBe(true);
    expect(await reserve(T0, 'f2', 40)).toBe(true);
    expect(await reserve(T0, 'f3', 1)).toBe(false);
    expect(await reserve(T0, 'f4', 100, 'acc-b')).toBe(true);
    expect(await mediaUsageOf(t.db, 'acc-a', window(T0))).toBe(100);
    expect(await mediaUsageOf(t.db, 'acc-b', window(T0))).toBe(100);
  });

  it('counts the real size once settled, and a retry of the same file replaces its reservation', async () => {
    expect(await reserve(T0, 'f1', 90)).toBe(true);
    expect(await reserve(T0, 'f1', 90)).toBe(true);
    await settleMediaUsage(t.db, T0, 'f1', 30);
    expect(await mediaUsageOf(t.db, 'acc-a', window(T0))).toBe(30);
    expect(await reserve(T0, 'f2', 70)).toBe(true);
  });

  it('forgets a failed download, and a reservation left by a crash stops counting after a while', async () => {
    await reserve(T0, 'failed', 100);
    await releaseMediaUsage(t.db, 'failed');
    expect(await reserve(T0, 'crashed', 100)).toBe(true);
    expect(await reserve(T0 + 60_000, 'next', 50)).toBe(false);
    expect(await reserve(T0 + 16 * 60_000, 'next', 50)).toBe(true);
  });

  it('releases a file when it expires, even before its row is pruned, and prunes rows past their life', async () => {
    await reserve(T0, 'old', 100);
    await settleMediaUsage(t.db, T0, 'old', 100);
    expect(await reserve(T0 + 1000, 'new', 1)).toBe(false);
    const later = T0 + MEDIA_KEEP_MS + 1;
    expect(await mediaUsageOf(t.db, 'acc-a', window(later))).toBe(0);
    expect(await reserve(later, 'new', 100)).toBe(true);
    expect(await pruneMediaUsage(t.db, later - MEDIA_KEEP_MS)).toBe(1);
    const { rows } = await sql<{ id: string }>`select id from media_usage`.execute(t.db);
    expect(rows.map((r) => r.id)).toEqual(['new']);
  });

  it('never lets concurrent downloads of one account squeeze past the quota together', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(T0, `c${i}`, 10)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await mediaUsageOf(t.db, 'acc-a', window(T0))).toBe(100);
  });

  // Two SQLite connections in one thread would block each other (better-sqlite3 is synchronous); SQLite has one
  // writer at a time anyway, which is what serialises the check there.
  it('across two connections (two instances) on PostgreSQL, the quota holds too', async () => {
    if (!t.openAnother || t.dialect !== 'postgres') return;
    const other = await t.openAnother();
    const quota = (db: typeof t.db) => createMediaQuota({ db, quotaBytes: 100, now: () => T0 });
    const [a, b] = [quota(t.db), quota(other.db)];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).reserve(`x${i}`, 'acc-a', 10)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await a.usage('acc-a')).toBe(100);
  });
});
