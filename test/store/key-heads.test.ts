import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import {
  claimDue,
  completeHeld,
  deadLetter,
  enqueue,
  enqueueMany,
  fail,
  type Lease,
  type OutboxJob,
  parkHeld,
  parkLinkJobs,
  requeueDeadLetters,
  unparkLinkJobs,
} from '../../src/store/outbox-repo';
import { writeIngressBatch } from '../../src/store/write-ingress-batch';
import { writeIngressBatchSqlite } from '../../src/store/write-ingress-batch-sqlite';
import { writeIngressNowSqlite } from '../../src/store/write-ingress-now-sqlite';
import { checkHeads } from './helpers/check-heads';
import { seedLink } from './helpers/seed-link';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const LEASE_MS = 1000;

type Step =
  | { op: 'enqueue'; key: string | null; link: number; delay: number }
  | { op: 'enqueueMany'; keys: (string | null)[]; link: number }
  /** The webhook's batch: hooks (some repeated) with their jobs, through the writer the backend uses. */
  | { op: 'ingress'; hooks: { hook: number; key: string | null }[]; link: number; own: boolean }
  | { op: 'claim'; limit: number }
  | { op: 'complete'; pick: number }
  | { op: 'fail'; pick: number; delay: number }
  | { op: 'dead'; pick: number }
  | { op: 'requeue'; pick: number; all: boolean }
  | { op: 'park'; link: number }
  | { op: 'unpark'; link: number }
  | { op: 'parkHeld'; pick: number }
  | { op: 'tick'; ms: number };

const key = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null, freq: 5 });
const link = fc.integer({ min: 0, max: 1 });
const pick = fc.nat(20);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ op: fc.constant('enqueue' as const), key, link, delay: fc.constantFrom(0, 0, 500) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ op: fc.constant('enqueueMany' as const), keys: fc.array(key, { maxLength: 4 }), link }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('ingress' as const),
      hooks: fc.array(fc.record({ hook: fc.nat(6), key }), { maxLength: 5 }),
      link,
      // SQLite: in a raw transaction of its own (writeIngressNowSqlite) rather than inside a Kysely one.
      own: fc.boolean(),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('complete' as const), pick }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('fail' as const), pick, delay: fc.constantFrom(0, 300, 3000) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('dead' as const), pick }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('requeue' as const), pick, all: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('park' as const), link }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('unpark' as const), link }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('parkHeld' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.constantFrom(200, 1500) }), weight: 2 },
);

describeEachDatabase('outbox key heads', (t) => {
  it('keeps exactly one head per key with live jobs, its oldest, through any sequence of writes, and claims only heads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        await clearTables(t.db);
        const links = [(await seedLink(t.db)).id, (await seedLink(t.db)).id];
        let now = T0;
        let seq = 0;
        // Leases the worker believes it holds (some may have run out and been taken over since).
        let held: OutboxJob[] = [];
        const take = (i: number) => {
          const job = held[i % Math.max(1, held.length)];
          held = held.filter((j) => j !== job);
          return job;
        };
        const job = (k: string | null, l: number, delay = 0) => ({
          idempotencyKey: `j${++seq}`,
          kind: 'test',
          payload: '{}',
          orderingKey: k,
          linkId: links[l] ?? null,
          availableAt: now + delay,
        });
        for (const s of steps) {
          if (s.op === 'enqueue') await enqueue(t.db, job(s.key, s.link, s.delay), now);
          else if (s.op === 'enqueueMany') {
            await enqueueMany(
              t.db,
              s.keys.map((k) => job(k, s.link)),
              now,
            );
          } else if (s.op === 'ingress') {
            const write = t.sqliteIn ? writeIngressBatchSqlite(t.sqliteIn, () => now) : writeIngressBatch(() => now);
            const rows = s.hooks.map((h) => ({
              event: {
                dedupeKey: `h${h.hook}`,
                linkId: links[s.link] ?? null,
                kind: 'message',
                payload: '{}',
                receivedAt: now,
              },
              job: { ...job(h.key, s.link), idempotencyKey: `deliver:h${h.hook}` },
            }));
            const own = s.own && t.sqliteNow ? writeIngressNowSqlite(t.sqliteNow, () => now)(rows) : undefined;
            if (own === undefined) await t.db.transaction().execute((trx) => write(trx, rows));
          } else if (s.op === 'claim') {
            const before = await checkHeads(t.db);
            const claimed = await claimDue(t.db, { now, limit: s.limit, leaseMs: LEASE_MS, workerId: 'w' });
            for (const c of claimed) {
              // A keyed job is handed out only as its key's head (its oldest live job).
              if (c.orderingKey !== null) expect(before.heads.get(c.orderingKey)).toBe(Number(c.id));
            }
            held.push(...claimed);
            // Never two jobs of one key in flight.
            const { rows } = await sql<{ orderingKey: string; n: number }>`
              select ordering_key, count(*) as n from outbox
                where status = 'leased' and available_at > ${now} and ordering_key is not null
                group by ordering_key`.execute(t.db);
            for (const r of rows) expect(Number(r.n)).toBe(1);
          } else if (s.op === 'complete') {
            const j = take(s.pick);
            if (j) await completeHeld(t.db, [lease(j)], 'w', now);
          } else if (s.op === 'fail') {
            const j = take(s.pick);
            if (j) await fail(t.db, lease(j), { workerId: 'w', nextAttemptAt: now + s.delay, errorCode: 'e', now });
          } else if (s.op === 'dead') {
            const j = take(s.pick);
            if (j) await deadLetter(t.db, lease(j), { workerId: 'w', errorCode: 'e', now });
          } else if (s.op === 'requeue') {
            const dead = await t.db.selectFrom('outbox').select('id').where('status', '=', 'dead').execute();
            const one = dead[s.pick % Math.max(1, dead.length)];
            if (s.all) await requeueDeadLetters(t.db, {}, now);
            else if (one) await requeueDeadLetters(t.db, { ids: [one.id] }, now);
          } else if (s.op === 'park') {
            await t.db
              .updateTable('links')
              .set({ parkedAt: now })
              .where('id', '=', links[s.link] ?? '')
              .execute();
            await parkLinkJobs(t.db, links[s.link] ?? '', now);
          } else if (s.op === 'unpark') {
            await t.db
              .updateTable('links')
              .set({ parkedAt: null })
              .where('id', '=', links[s.link] ?? '')
              .execute();
            await unparkLinkJobs(t.db, links[s.link] ?? '', now);
          } else if (s.op === 'parkHeld') {
            const j = take(s.pick);
            if (j) await parkHeld(t.db, lease(j), 'w', now);
          } else now += s.ms;
          const report = await checkHeads(t.db);
          expect({ step: s, headless: report.headless, dead: report.dead, extra: report.extra }).toEqual({
            step: s,
            headless: [],
            dead: [],
            extra: [],
          });
        }
      }),
      { numRuns: t.dialect === 'postgres' ? 40 : 80 },
    );
  }, 120_000);

  it('wraps a write made outside a transaction, so the head moves with it', async () => {
    const { job: first } = await enqueue(
      t.db,
      { idempotencyKey: 'x1', kind: 'k', payload: '{}', orderingKey: 'k' },
      T0,
    );
    await enqueue(t.db, { idempotencyKey: 'x2', kind: 'k', payload: '{}', orderingKey: 'k' }, T0);
    expect(first.isHead).toBe(1);
    const [claimed] = await claimDue(t.db, { now: T0, limit: 5, leaseMs: LEASE_MS, workerId: 'w' });
    expect(claimed?.id).toBe(first.id);
    await completeHeld(t.db, [lease(first, claimed?.attempts)], 'w', T0);
    const report = await checkHeads(t.db);
    expect(report).toMatchObject({ headless: [], dead: [], extra: [] });
    expect([...report.heads.values()]).toEqual([first.id + 1]);
  });
});

const lease = (job: OutboxJob, attempts = job.attempts): Lease => ({ id: job.id, attempts });
