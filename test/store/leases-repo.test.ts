import { expect, it } from 'vitest';
import { acquireLease, releaseLease } from '../../src/store/leases-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_800_000_000_000;
const lease = (owner: string, now: number, ttlMs = 30_000) => ({ name: 'amocrm-refresh:1', owner, ttlMs, now });

describeEachDatabase('leases repo', (t) => {
  it('grants a free lease, refuses it to others until it expires, then hands it over with a new counter', async () => {
    const a = await acquireLease(t.db, lease('a', T0));
    expect(a).toEqual({ name: 'amocrm-refresh:1', owner: 'a', counter: 1, expiresAt: T0 + 30_000 });
    expect(await acquireLease(t.db, lease('b', T0 + 29_999))).toBeUndefined();
    const b = await acquireLease(t.db, lease('b', T0 + 30_000));
    expect(b).toEqual({ name: 'amocrm-refresh:1', owner: 'b', counter: 2, expiresAt: T0 + 60_000 });
    expect(await acquireLease(t.db, lease('a', T0 + 30_001))).toBeUndefined();
  });

  it('extends a lease its owner asks for again, moving the counter on', async () => {
    await acquireLease(t.db, lease('a', T0));
    expect(await acquireLease(t.db, lease('a', T0 + 10_000))).toMatchObject({ counter: 2, expiresAt: T0 + 40_000 });
  });

  it('keeps leases of different names apart', async () => {
    await acquireLease(t.db, lease('a', T0));
    expect(await acquireLease(t.db, { ...lease('b', T0), name: 'amocrm-refresh:2' })).toMatchObject({ owner: 'b' });
  });

  it('frees a lease on release, so another owner takes it at once', async () => {
    const a = await acquireLease(t.db, lease('a', T0));
    if (!a) throw new Error('not acquired');
    await releaseLease(t.db, a);
    expect(await acquireLease(t.db, lease('b', T0 + 1))).toMatchObject({ owner: 'b', counter: 2 });
  });

  it('ignores a release by a stale holder: one whose lease expired and was taken over, or re-acquired', async () => {
    const stale = await acquireLease(t.db, lease('a', T0));
    if (!stale) throw new Error('not acquired');
    const b = await acquireLease(t.db, lease('b', T0 + 30_000));
    await releaseLease(t.db, stale);
    expect(await acquireLease(t.db, lease('c', T0 + 30_001))).toBeUndefined();
    expect(b).toBeDefined();

    // The same owner's older holding (counter 1 of a lease since re-acquired) frees nothing either.
    const first = await acquireLease(t.db, { ...lease('d', T0), name: 'other' });
    const second = await acquireLease(t.db, { ...lease('d', T0 + 1), name: 'other' });
    if (!first || !second) throw new Error('not acquired');
    await releaseLease(t.db, first);
    expect(await acquireLease(t.db, { ...lease('e', T0 + 2), name: 'other' })).toBeUndefined();
    await releaseLease(t.db, second);
    expect(await acquireLease(t.db, { ...lease('e', T0 + 3), name: 'other' })).toMatchObject({ owner: 'e' });
  });

  it('grants a contested free lease to exactly one of many concurrent owners', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => acquireLease(t.db, lease(`o${i}`, T0))));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  // Single statements, so two SQLite connections in one thread do not block each other here.
  it.skipIf(!t.openAnother)('grants a contested lease to exactly one of two pools or connections', async () => {
    const other = await t.openAnother?.();
    if (!other) throw new Error('no second pool');
    for (let round = 0; round < 10; round += 1) {
      const name = `race-${round}`;
      const results = await Promise.all([
        acquireLease(t.db, { name, owner: 'here', ttlMs: 1000, now: T0 }),
        acquireLease(other.db, { name, owner: 'there', ttlMs: 1000, now: T0 }),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    }
  });
});
