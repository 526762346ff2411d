import { expect, it } from 'vitest';
import { createOutboxCommitter } from '../../src/relay/create-outbox-committer';
import { enqueue, findJob, type OutboxJob } from '../../src/store/outbox-repo';
import { describeEachDatabase } from '../store/helpers/test-databases';

const T0 = 1_700_000_000_000;
const LEASE = 10_000;
const WORKER = 'worker-a';

describeEachDatabase('createOutboxCommitter: lease renewals', (t) => {
  async function claimed(count: number, at: number): Promise<OutboxJob[]> {
    for (let i = 0; i < count; i++) {
      await enqueue(t.db, { idempotencyKey: `job-${i}`, kind: 'test.job', payload: '{}' }, at);
    }
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => at });
    const result = await committer.append({ type: 'claim', limit: count, leaseMs: LEASE });
    await committer.close();
    if (result.type !== 'claim') throw new Error('not a claim');
    return result.jobs;
  }

  it('renews the leases it still holds to its transaction time + leaseMs, before any effect of the same batch', async () => {
    const [kept, refenced, finished] = await claimed(3, T0);
    if (!kept || !refenced || !finished) throw new Error('three jobs claimed');
    const at = T0 + 3_000;
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => at });
    let seenByEffect: number | undefined;
    // Appended first, yet its effect already sees the renewal: the renewal's UPDATE comes first in the transaction.
    const finish = committer.append({
      type: 'finish',
      lease: finished,
      decision: { type: 'complete' },
      effects: async (trx) => {
        seenByEffect = (await findJob(trx, kept.id))?.availableAt;
      },
    });
    const renewal = committer.append({
      type: 'renew',
      // An attempt count the row no longer has: a lease taken over since, which is not renewed.
      leases: [kept, { id: refenced.id, attempts: refenced.attempts + 1 }, finished],
      leaseMs: LEASE,
    });
    expect(await finish).toEqual({ type: 'finish', held: true });
    const renewed = await renewal;
    await committer.close();

    expect(renewed).toEqual({ type: 'renew', renewed: new Set([kept.id, finished.id]), until: at + LEASE });
    expect(seenByEffect).toBe(at + LEASE);
    expect(await findJob(t.db, kept.id)).toMatchObject({ status: 'leased', availableAt: at + LEASE });
    expect(await findJob(t.db, refenced.id)).toMatchObject({ status: 'leased', availableAt: T0 + LEASE });
    expect(await findJob(t.db, finished.id)).toMatchObject({ status: 'done' });
  });

  it('answers a renewal queued behind hundreds of outcomes in the very first transaction', async () => {
    const [job] = await claimed(1, T0);
    if (!job) throw new Error('one job claimed');
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 + 1 });
    // More outcomes than a batch used to take (512): leases nobody holds, each answered `held: false`.
    const outcomes = Array.from({ length: 600 }, (_, i) =>
      committer.append({
        type: 'finish',
        lease: { id: 1_000_000 + i, attempts: 1 },
        decision: { type: 'retry', nextAttemptAt: T0, errorCode: 'test' },
      }),
    );
    const renewal = committer.append({ type: 'renew', leases: [job], leaseMs: LEASE });
    expect(await renewal).toMatchObject({ type: 'renew', renewed: new Set([job.id]) });
    expect(committer.stats().batches).toBe(1);
    expect(new Set((await Promise.all(outcomes)).map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ type: 'finish', held: false })]),
    );
    await committer.close();
  });
});
