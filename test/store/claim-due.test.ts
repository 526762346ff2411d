import fc from 'fast-check';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { dialectOf } from '../../src/store/dialect-of';
import { claimDue, type OutboxJob } from '../../src/store/outbox-repo';
import type { Database, OutboxStatus } from '../../src/store/schema';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const NOW = 1_700_000_000_000;

interface Row {
  key: string | null;
  status: OutboxStatus;
  /** Relative to NOW: due when <= 0. */
  at: number;
}

const row: fc.Arbitrary<Row> = fc.record({
  key: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: null, freq: 4 }),
  status: fc.constantFrom<OutboxStatus>('pending', 'pending', 'pending', 'leased', 'done', 'dead'),
  at: fc.integer({ min: -5000, max: 5000 }),
});

async function insert(db: Kysely<Database>, rows: Row[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('outbox')
    .values(
      rows.map((r, i) => ({
        idempotencyKey: `k${i}`,
        kind: 'test',
        payload: '{}',
        orderingKey: r.key,
        status: r.status,
        attempts: 0,
        availableAt: NOW + r.at,
        leaseOwner: r.status === 'leased' ? 'someone' : null,
        createdAt: NOW,
        updatedAt: NOW,
      })),
    )
    .execute();
}

// The claim as one statement that tests every due job for an older live one of its key: the contract, written the
// obvious way. claimDue must lease exactly what this does; it is slow under a deep backlog, hence not the store's.
const live = (alias: 'r' | 'e') => sql<boolean>`${sql.ref(`${alias}.status`)} in ('pending', 'leased')`;

async function claimInOneStatement(
  db: Kysely<Database>,
  options: { now: number; limit: number; leaseMs: number; workerId: string },
): Promise<OutboxJob[]> {
  const { now, limit, leaseMs, workerId } = options;
  const postgres = dialectOf(db) === 'postgres';
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'leased',
      leaseOwner: workerId,
      availableAt: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      updatedAt: now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox as r')
        .select('r.id')
        .where(live('r'))
        .where('r.availableAt', '<=', now)
        .where((w) => w.or([w('r.orderingKey', 'is', null), w.not(w.exists(blockingJob(w, now)))]))
        .orderBy('r.availableAt')
        .orderBy('r.id')
        .limit(limit)
        .$if(postgres, (qb) => qb.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/** A job of r's ordering key that r must wait for: an older live one, or any one in flight. */
function blockingJob(eb: ExpressionBuilder<Database & { r: Database['outbox'] }, 'r'>, now: number) {
  return eb
    .selectFrom('outbox as e')
    .select(sql.lit(1).as('one'))
    .whereRef('e.orderingKey', '=', 'r.orderingKey')
    .where(live('e'))
    .where((w) =>
      w.or([
        w(w.ref('e.id'), '<', w.ref('r.id')),
        w.and([w(sql.ref('e.status'), '=', sql.lit('leased')), w('e.availableAt', '>', now)]),
      ]),
    );
}

class Rollback extends Error {}

/** What the one-statement claim would lease, without keeping it. */
async function reference(db: Kysely<Database>, limit: number): Promise<number[]> {
  let ids: number[] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      ids = (await claimInOneStatement(trx, { now: NOW, limit, leaseMs: 1000, workerId: 'w' })).map((j) => j.id);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return ids;
}

describeEachDatabase('claimDue', (t) => {
  it('leases exactly what the one-statement claim leases, for any mix of keys, statuses and due times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), async (rows, limit) => {
        await clearTables(t.db);
        await insert(t.db, rows);
        const expected = await reference(t.db, limit);
        const claimed = await claimDue(t.db, { now: NOW, limit, leaseMs: 1000, workerId: 'w' });
        expect(claimed.map((j) => j.id)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the heads of keys behind a window of blocked jobs, and never two jobs of one key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), async (rows, limit) => {
        await clearTables(t.db);
        await insert(t.db, rows);
        const eligible = new Set(await reference(t.db, 1000));
        const keyed = await t.db.selectFrom('outbox').select('id').where('orderingKey', 'is not', null).execute();
        const keyedHeads = keyed.filter((r) => eligible.has(r.id)).length;
        const claimed = await claimDue(t.db, { now: NOW, limit, leaseMs: 1000, workerId: 'w', window: 2 });
        for (const job of claimed) expect(eligible).toContain(job.id);
        const keys = claimed.map((j) => j.orderingKey).filter((k) => k !== null);
        expect(new Set(keys).size).toBe(keys.length);
        expect(claimed.length).toBeGreaterThanOrEqual(Math.min(limit, keyedHeads));
      }),
      { numRuns: 60 },
    );
  });

  it('returns the leased rows in camelCase with the attempt counted and the lease set', async () => {
    await insert(t.db, [
      { key: 'a', status: 'pending', at: -10 },
      { key: 'a', status: 'pending', at: -20 },
      { key: null, status: 'pending', at: -5 },
    ]);
    const claimed: OutboxJob[] = await claimDue(t.db, { now: NOW, limit: 10, leaseMs: 1000, workerId: 'w' });
    expect(claimed.map((j) => [j.idempotencyKey, j.status, j.leaseOwner, j.attempts, j.availableAt])).toEqual([
      ['k0', 'leased', 'w', 1, NOW + 1000],
      ['k2', 'leased', 'w', 1, NOW + 1000],
    ]);
    expect(typeof claimed[0]?.id).toBe('number');
  });
});
