import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { insertInboxEvents, pruneInboxExcept } from '../../src/store/inbox-repo';
import { countJobs, enqueueMany } from '../../src/store/outbox-repo';
import { findHeldOrderingKeys } from '../../src/store/retention-repo';
import type { OutboxStatus } from '../../src/store/schema';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

// The queries that migration 0011's indexes serve (issue 15, item 7): their answers, which the indexes must not change.
describeEachDatabase('queries that must not grow with stored data', (t) => {
  /** Jobs in the given statuses, in id order, with kinds and ordering keys as given. */
  async function jobs(specs: { status: OutboxStatus; kind?: string; orderingKey?: string }[]) {
    const link = await seedLink(t.db);
    const keys = specs.map((_, i) => `job-${i}`);
    await enqueueMany(
      t.db,
      specs.map((s, i) => ({
        idempotencyKey: keys[i] ?? '',
        kind: s.kind ?? 'message',
        payload: `{"i":${i}}`,
        linkId: link.id,
        orderingKey: s.orderingKey ?? null,
      })),
      T0,
    );
    for (const [i, s] of specs.entries()) {
      await t.db
        .updateTable('outbox')
        .set({ status: s.status, completedAt: s.status === 'done' ? T0 : null })
        .where('idempotencyKey', '=', keys[i] ?? '')
        .execute();
    }
    const rows = await t.db.selectFrom('outbox').select(['id', 'idempotencyKey']).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  it('counts every status, and all but the done jobs when asked to leave them out', async () => {
    await jobs([
      { status: 'pending' },
      { status: 'done' },
      { status: 'leased' },
      { status: 'done' },
      { status: 'dead' },
      { status: 'parked' },
      { status: 'pending' },
      { status: 'done' },
    ]);
    expect(await countJobs(t.db)).toEqual({ pending: 2, leased: 1, done: 3, dead: 1, parked: 1 });
    expect(await countJobs(t.db, { done: false })).toEqual({ pending: 2, leased: 1, dead: 1, parked: 1 });
  });

  it('pages through the ordering keys of the jobs not done, in id order', async () => {
    const ids = await jobs([
      { status: 'pending', orderingKey: 'a' },
      { status: 'done', orderingKey: 'b' },
      { status: 'pending' },
      { status: 'dead', orderingKey: 'c' },
      { status: 'leased', orderingKey: 'a' },
    ]);
    expect(await findHeldOrderingKeys(t.db, { afterId: 0, limit: 2 })).toEqual([
      { id: ids[0], orderingKey: 'a' },
      { id: ids[3], orderingKey: 'c' },
    ]);
    expect(await findHeldOrderingKeys(t.db, { afterId: ids[3] ?? 0, limit: 2 })).toEqual([
      { id: ids[4], orderingKey: 'a' },
    ]);
  });

  it('prunes every old hook but the spared ones, across pages whose boundaries split equal receipt times', async () => {
    // 1,203 old hooks over three receipt times (pages of 500 end inside a run of equal times), 5 recent ones.
    const old = Array.from({ length: 1203 }, (_, i) => ({
      dedupeKey: `old-${String(i).padStart(4, '0')}`,
      linkId: null,
      kind: 'message',
      payload: '{}',
      receivedAt: T0 + (i % 3),
    }));
    const recent = Array.from({ length: 5 }, (_, i) => ({
      dedupeKey: `new-${i}`,
      linkId: null,
      kind: 'message',
      payload: '{}',
      receivedAt: T0 + 100,
    }));
    await insertInboxEvents(t.db, [...old, ...recent]);
    const kept = ['old-0000', 'old-0499', 'old-0500', 'old-0501', 'old-1001', 'old-1202', 'new-3'];
    expect(await pruneInboxExcept(t.db, T0 + 50, new Set(kept))).toBe(1203 - 6);
    const left = await t.db.selectFrom('inbox').select('dedupeKey').orderBy('dedupeKey').execute();
    expect(left.map((r) => r.dedupeKey)).toEqual(
      [...kept.filter((k) => k.startsWith('old')), ...recent.map((r) => r.dedupeKey)].sort(),
    );
    // Spared no longer, the old ones go; the recent ones stay whatever is spared.
    expect(await pruneInboxExcept(t.db, T0 + 50, new Set())).toBe(6);
    expect(await t.db.selectFrom('inbox').select('dedupeKey').orderBy('dedupeKey').execute()).toEqual(
      recent.map((r) => ({ dedupeKey: r.dedupeKey })),
    );
  });

  it('answers those queries from the partial and keyset indexes (SQLite plans)', async () => {
    if (t.dialect !== 'sqlite') return;
    const plan = async (query: ReturnType<typeof sql>) => {
      const { rows } = await sql<{ detail: string }>`explain query plan ${query}`.execute(t.db);
      return rows.map((r) => r.detail).join('; ');
    };
    expect(await plan(sql`select status, count(*) as n from outbox where status <> 'done' group by status`)).toMatch(
      /COVERING INDEX outbox_undone_index/,
    );
    expect(
      await plan(
        sql`select id, ordering_key from outbox where status <> 'done' and ordering_key is not null and id > ${0}
          order by id limit ${10}`,
      ),
    ).toMatch(/outbox_undone_index/);
    expect(
      await plan(
        sql`select received_at, dedupe_key from inbox where received_at < ${T0} and (received_at, dedupe_key) > (${T0}, ${'k'})
          order by received_at, dedupe_key limit ${10}`,
      ),
    ).toMatch(/inbox_received_key_index/);
  });
});
