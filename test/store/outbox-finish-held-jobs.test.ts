import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { finishHeldJobs, type HeldJobEnd } from '../../src/store/finish-held-jobs';
import { lockJobKeys } from '../../src/store/lock-job-keys';
import { claimDue, completeHeld, deadLetter, enqueueMany, fail, type OutboxJob } from '../../src/store/outbox-repo';
import { checkHeads } from './helpers/check-heads';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const WORKER = 'worker-a';

type End = 'done' | 'pending' | 'dead';
/** How a job's lease stands when it is finished: held, taken over since (another attempt count), or another worker's. */
type Fence = 'held' | 'taken' | 'foreign';

interface Case {
  key: 'k1' | 'k2' | 'k3' | null;
  end: End;
  fence: Fence;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  key: fc.constantFrom('k1' as const, 'k2' as const, 'k3' as const, null),
  end: fc.constantFrom<End>('done', 'pending', 'dead'),
  fence: fc.constantFrom<Fence>('held', 'held', 'held', 'taken', 'foreign'),
});

describeEachDatabase('finishHeldJobs', (t) => {
  /**
   * Two twin sets of jobs, `a:` and `b:` keys, the same cases in the same order, each with a second live job per key
   * behind the first: one set ended by finishHeldJobs in one call, the other by complete, fail and deadLetter one job
   * at a time. Claimed as `owner`; leases given with the case's fence.
   */
  async function twins(cases: Case[]) {
    const jobs = (set: 'a' | 'b') =>
      cases.flatMap((c, i) => {
        const orderingKey = c.key === null ? undefined : `${set}:${c.key}:${i}`;
        const job = (n: number) => ({
          idempotencyKey: `${set}-${i}-${n}`,
          kind: 'test.job',
          payload: '{}',
          ...(orderingKey === undefined ? {} : { orderingKey }),
        });
        return [job(0), job(1)];
      });
    await enqueueMany(t.db, [...jobs('a'), ...jobs('b')], T0);
    // Each case's first job (its key's head) is claimed; the second stays behind it.
    const claimed = await claimDue(t.db, {
      now: T0,
      limit: 4 * cases.length,
      leaseMs: 10_000,
      workerId: WORKER,
      linkCap: 1000,
    });
    const byKey = new Map(claimed.map((job) => [job.idempotencyKey, job]));
    const leaseOf = (set: 'a' | 'b', i: number) => {
      const job = byKey.get(`${set}-${i}-0`) as OutboxJob;
      const fence = cases[i]?.fence;
      return { id: job.id, attempts: fence === 'taken' ? job.attempts + 1 : job.attempts };
    };
    return { leaseOf };
  }

  it('ends each job as complete, fail or deadLetter would, and only a job this worker still holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 8 }), async (cases) => {
        await clearTables(t.db);
        const { leaseOf } = await twins(cases);
        const at = T0 + 500;
        const ends: HeldJobEnd[] = cases.map((c, i) => {
          const lease = leaseOf('a', i);
          if (c.end === 'done') return { lease, status: 'done' };
          if (c.end === 'pending')
            return { lease, status: 'pending', nextAttemptAt: at + 1000 + i, errorCode: `e${i}` };
          return { lease, status: 'dead', errorCode: `d${i}` };
        });
        const batched = await t.db.transaction().execute(async (trx) => {
          // Another worker's lease: the same row and attempt count, claimed under another name.
          const owner = (i: number) => (cases[i]?.fence === 'foreign' ? 'worker-b' : WORKER);
          const mine = ends.filter((_, i) => owner(i) === WORKER);
          const theirs = ends.filter((_, i) => owner(i) !== WORKER);
          await lockJobKeys(
            trx,
            ends.map((e) => e.lease.id),
          );
          const held = await finishHeldJobs(trx, mine, { workerId: WORKER, now: at });
          const other = await finishHeldJobs(trx, theirs, { workerId: 'worker-b', now: at });
          return new Set([...held.keys(), ...other.keys()]);
        });
        const single = new Set<number>();
        for (const [i, c] of cases.entries()) {
          const lease = leaseOf('b', i);
          const workerId = c.fence === 'foreign' ? 'worker-b' : WORKER;
          let held: boolean;
          if (c.end === 'done') held = (await completeHeld(t.db, [lease], workerId, at)).size === 1;
          else if (c.end === 'pending') {
            held = await fail(t.db, lease, { workerId, nextAttemptAt: at + 1000 + i, errorCode: `e${i}`, now: at });
          } else held = await deadLetter(t.db, lease, { workerId, errorCode: `d${i}`, now: at });
          if (held) single.add(lease.id);
        }

        const { rows } = await sql<OutboxJob>`select * from outbox order by id`.execute(t.db);
        const shape = (set: 'a' | 'b') =>
          rows
            .filter((r) => r.idempotencyKey.startsWith(`${set}-`))
            .map(({ id: _id, idempotencyKey, orderingKey, ...rest }) => ({
              job: idempotencyKey.slice(2),
              key: orderingKey?.slice(2) ?? null,
              ...rest,
            }));
        expect(shape('a')).toEqual(shape('b'));
        const heldIndexes = (held: Set<number>, set: 'a' | 'b') =>
          cases.flatMap((_, i) => (held.has(leaseOf(set, i).id) ? [i] : []));
        expect(heldIndexes(batched, 'a')).toEqual(heldIndexes(single, 'b'));
        // Only held leases changed anything, and every one of those did.
        expect(heldIndexes(batched, 'a')).toEqual(cases.flatMap((c, i) => (c.fence === 'held' ? [i] : [])));
        const heads = await checkHeads(t.db);
        expect({ headless: heads.headless, dead: heads.dead, extra: heads.extra }).toEqual({
          headless: [],
          dead: [],
          extra: [],
        });
      }),
      { numRuns: t.dialect === 'postgres' ? 15 : 40 },
    );
  });

  it('takes text of any shape through its batch: quotes, commas, braces, backslashes and non-Latin letters', async () => {
    await clearTables(t.db);
    await enqueueMany(t.db, [{ idempotencyKey: 'odd', kind: 'test.job', payload: '{}', orderingKey: 'k' }], T0);
    const [job] = await claimDue(t.db, { now: T0, limit: 1, leaseMs: 10_000, workerId: WORKER });
    if (!job) throw new Error('one job claimed');
    const errorCode = `a "quoted", {braced} \\ back'slash, ÿ и 文字 NULL`;
    const held = await t.db.transaction().execute(async (trx) => {
      await lockJobKeys(trx, [job.id]);
      return finishHeldJobs(trx, [{ lease: job, status: 'dead', errorCode }], { workerId: WORKER, now: T0 });
    });
    expect(held).toEqual(new Map([[job.id, job.attempts]]));
    const [row] = (await sql<OutboxJob>`select * from outbox`.execute(t.db)).rows;
    expect(row).toMatchObject({ status: 'dead', lastError: errorCode, leaseOwner: null });
  });
});
