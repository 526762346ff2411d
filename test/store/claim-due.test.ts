import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { claimDue, complete, DEFAULT_LINK_CAP, enqueueMany, type OutboxJob } from '../../src/store/outbox-repo';
import { recomputeHeads } from '../../src/store/recompute-heads';
import type { Database, OutboxStatus } from '../../src/store/schema';
import { seedLink } from './helpers/seed-link';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const NOW = 1_700_000_000_000;

interface Row {
  key: string | null;
  link: string | null;
  status: OutboxStatus;
  /** Relative to NOW: due when <= 0. */
  at: number;
}

const row: fc.Arbitrary<Row> = fc.record({
  key: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: null, freq: 4 }),
  link: fc.option(fc.constantFrom('L1', 'L2', 'L3'), { nil: null, freq: 5 }),
  status: fc.constantFrom<OutboxStatus>('pending', 'pending', 'pending', 'leased', 'done', 'dead'),
  at: fc.integer({ min: -5000, max: 5000 }),
});

/** Links L1..L3 as real rows (the outbox's link id is a foreign key), by name. */
async function seedLinks(db: Kysely<Database>): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  for (const name of ['L1', 'L2', 'L3']) links.set(name, (await seedLink(db)).id);
  return links;
}

async function insert(db: Kysely<Database>, rows: Row[]) {
  if (rows.length === 0) return;
  const links = rows.some((r) => r.link !== null) ? await seedLinks(db) : new Map<string, string>();
  await db
    .insertInto('outbox')
    .values(
      rows.map((r, i) => ({
        idempotencyKey: `k${i}`,
        kind: 'test',
        payload: '{}',
        orderingKey: r.key,
        linkId: r.link === null ? null : (links.get(r.link) ?? null),
        status: r.status,
        attempts: 0,
        availableAt: NOW + r.at,
        leaseOwner: r.status === 'leased' ? 'someone' : null,
        createdAt: NOW,
        updatedAt: NOW,
      })),
    )
    .execute();
  // Rows written by hand get their keys' heads as the store's own writes would leave them (outbox is_head).
  await recomputeHeads(db, ['a', 'b', 'c', 'd', 'e']);
}

// The claim as one statement that tests every due job for an older live one of its key, then hands them out by
// level (the link's jobs in flight plus the job's rank among the link's eligible jobs, oldest first) up to the cap:
// the contract, written the obvious way. claimDue must lease exactly what this does; it is slow under a deep
// backlog, hence not the store's. Before the fairness rule it ordered by age alone; with one link and no cap in
// reach it still does (every level is the rank, and the ranks of one link follow age).
async function claimInOneStatement(
  db: Kysely<Database>,
  options: { now: number; limit: number; leaseMs: number; workerId: string; linkCap: number },
): Promise<OutboxJob[]> {
  const { now, limit, leaseMs, workerId, linkCap } = options;
  const { rows } = await sql<OutboxJob>`
    update outbox set status = 'leased', lease_owner = ${workerId}, available_at = ${now + leaseMs},
        attempts = attempts + 1, updated_at = ${now}
      where id in (
        select ranked.id from (
          select r.id, r.available_at,
            row_number() over (partition by r.link_id order by r.available_at, r.id)
              + (select count(*) from outbox f where f.status = 'leased' and f.available_at > ${now}
                  and coalesce(f.link_id, '') = coalesce(r.link_id, '')) as level
          from outbox r
          where r.status in ('pending', 'leased') and r.available_at <= ${now}
            and (r.ordering_key is null or not exists (
              select 1 from outbox e where e.ordering_key = r.ordering_key and e.status in ('pending', 'leased')
                and (e.id < r.id or (e.status = 'leased' and e.available_at > ${now}))))
        ) ranked
        where ranked.level <= ${linkCap}
        order by ranked.level, ranked.available_at, ranked.id limit ${limit}
      )
      returning *`.execute(db);
  return [...rows].sort((a, b) => a.id - b.id);
}

class Rollback extends Error {}

/** What the one-statement claim would lease, without keeping it. */
async function reference(db: Kysely<Database>, limit: number, linkCap = DEFAULT_LINK_CAP): Promise<number[]> {
  let ids: number[] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      const claimed = await claimInOneStatement(trx, { now: NOW, limit, leaseMs: 1000, workerId: 'w', linkCap });
      ids = claimed.map((j) => j.id);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return ids;
}

/** Jobs in flight (leased, lease not expired) per link, '' for jobs without one. */
async function inFlight(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['linkId'])
    .where('status', '=', 'leased')
    .where('availableAt', '>', NOW)
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.linkId ?? '', (counts.get(r.linkId ?? '') ?? 0) + 1);
  return counts;
}

describeEachDatabase('claimDue', (t) => {
  const cap = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(DEFAULT_LINK_CAP));

  it('leases exactly what the one-statement claim leases, for any links, keys, statuses, due times and caps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        cap,
        async (rows, limit, linkCap) => {
          await clearTables(t.db);
          await insert(t.db, rows);
          const expected = await reference(t.db, limit, linkCap);
          const claimed = await claimDue(t.db, { now: NOW, limit, leaseMs: 1000, workerId: 'w', linkCap });
          expect(claimed.map((j) => j.id)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  // Past the window the claim need not pick the reference's jobs, but only eligible ones, never more than a link's
  // cap, and as many as the cap lets the reference hand out (what the cap withholds is not owed).
  it('finds key heads behind a window of blocked jobs, never two jobs of one key, never past the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        cap,
        async (rows, limit, linkCap) => {
          await clearTables(t.db);
          await insert(t.db, rows);
          const eligible = new Set(await reference(t.db, 1000, 1000));
          const owed = (await reference(t.db, 1000, linkCap)).length;
          const before = await inFlight(t.db);
          const claimed = await claimDue(t.db, { now: NOW, limit, leaseMs: 1000, workerId: 'w', window: 2, linkCap });
          for (const job of claimed) expect(eligible).toContain(job.id);
          const keys = claimed.map((j) => j.orderingKey).filter((k) => k !== null);
          expect(new Set(keys).size).toBe(keys.length);
          expect(claimed.length).toBeGreaterThanOrEqual(Math.min(limit, owed));
          for (const [link, n] of before) {
            const took = claimed.filter((j) => (j.linkId ?? '') === link).length;
            if (took > 0) expect(n + took).toBeLessThanOrEqual(linkCap);
          }
          for (const link of new Set(claimed.map((j) => j.linkId ?? ''))) {
            expect(claimed.filter((j) => (j.linkId ?? '') === link).length).toBeLessThanOrEqual(linkCap);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('returns the leased rows in camelCase with the attempt counted and the lease set', async () => {
    await insert(t.db, [
      { key: 'a', link: null, status: 'pending', at: -10 },
      { key: 'a', link: null, status: 'pending', at: -20 },
      { key: null, link: null, status: 'pending', at: -5 },
    ]);
    const claimed: OutboxJob[] = await claimDue(t.db, { now: NOW, limit: 10, leaseMs: 1000, workerId: 'w' });
    expect(claimed.map((j) => [j.idempotencyKey, j.status, j.leaseOwner, j.attempts, j.availableAt])).toEqual([
      ['k0', 'leased', 'w', 1, NOW + 1000],
      ['k2', 'leased', 'w', 1, NOW + 1000],
    ]);
    expect(typeof claimed[0]?.id).toBe('number');
  });

  // Issue 13: one link's backlog must not hold up another link's next message for more than one claim cycle.
  it("claims another link's single job in the next claim behind 5,000 jobs of one link, within the cap", async () => {
    const flood = (await seedLink(t.db)).id;
    const quiet = (await seedLink(t.db)).id;
    const floodJobs = Array.from({ length: 5000 }, (_, i) => ({
      idempotencyKey: `flood-${i}`,
      kind: 'test',
      payload: '{}',
      linkId: flood,
      // Many conversations of a few messages each, and some jobs without a key.
      orderingKey: i % 7 === 0 ? null : `conv:flood:${i % 900}`,
    }));
    await enqueueMany(t.db, floodJobs, NOW - 10_000);
    const quietJob = (n: number) =>
      enqueueMany(t.db, [{ idempotencyKey: `quiet-${n}`, kind: 'test', payload: '{}', linkId: quiet }], NOW);
    const claim = (limit: number) => claimDue(t.db, { now: NOW, limit, leaseMs: 60_000, workerId: 'w' });
    const keysOf = (jobs: OutboxJob[], link: string) =>
      jobs.filter((j) => j.linkId === link).map((j) => j.idempotencyKey);

    // A worker with all 128 slots free: the flood gets its cap, the quiet link its message.
    await quietJob(1);
    const first = await claim(128);
    expect(keysOf(first, flood)).toHaveLength(DEFAULT_LINK_CAP);
    expect(keysOf(first, quiet)).toEqual(['quiet-1']);

    // The flood at its cap: the quiet link's next message goes out in the next claim, and nothing of the flood.
    await quietJob(2);
    expect((await claim(111)).map((j) => j.idempotencyKey)).toEqual(['quiet-2']);

    // One slot frees as a flood job ends: the quiet link's message, with nothing in flight, takes it first.
    const done = first.find((j) => j.linkId === flood);
    if (!done) throw new Error('no flood job claimed');
    expect(await complete(t.db, [done], 'w', NOW)).toBe(1);
    await quietJob(3);
    expect((await claim(1)).map((j) => j.idempotencyKey)).toEqual(['quiet-3']);
    expect(keysOf(await claim(1), flood)).toHaveLength(1);
    expect((await inFlight(t.db)).get(flood)).toBe(DEFAULT_LINK_CAP);
    expect(await claim(100)).toEqual([]);
  }, 60_000);

  it('serves the link with fewer jobs in flight first, oldest first within a link', async () => {
    const busy = (await seedLink(t.db)).id;
    const idle = (await seedLink(t.db)).id;
    const jobs = (link: string, name: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        idempotencyKey: `${name}-${i}`,
        kind: 'test',
        payload: '{}',
        linkId: link,
      }));
    await enqueueMany(t.db, jobs(busy, 'busy', 20), NOW - 1000);
    const claim = (limit: number) => claimDue(t.db, { now: NOW, limit, leaseMs: 60_000, workerId: 'w', linkCap: 4 });
    expect((await claim(3)).map((j) => j.idempotencyKey)).toEqual(['busy-0', 'busy-1', 'busy-2']);
    // The busy link has 3 in flight and older jobs, yet the idle link's newer job goes first.
    await enqueueMany(t.db, jobs(idle, 'idle', 1), NOW);
    expect((await claim(1)).map((j) => j.idempotencyKey)).toEqual(['idle-0']);
    expect((await claim(5)).map((j) => j.idempotencyKey)).toEqual(['busy-3']);
    expect(await claim(5)).toEqual([]);
  });
});
