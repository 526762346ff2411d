import { sql } from 'kysely';
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

describeEachDatabase('createOutboxCommitter: key locks first', (t) => {
  it('takes the keys of the jobs it finishes before it writes any row (PostgreSQL)', async (ctx) => {
    // SQLite runs one writing transaction at a time: no lock order to keep there.
    if (t.dialect !== 'postgres') ctx.skip();
    const other = (await t.openAnother?.())?.db;
    if (!other) throw new Error('a second pool');
    const job = (key: string, orderingKey: string) => ({
      idempotencyKey: key,
      kind: 'test.job',
      payload: '{}',
      orderingKey,
    });
    await enqueue(t.db, job('held', 'chat-1'), T0);
    await enqueue(t.db, job('finished', 'chat-2'), T0);
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 });
    const claim = await committer.append({ type: 'claim', limit: 2, leaseMs: LEASE });
    if (claim.type !== 'claim' || claim.jobs.length !== 2) throw new Error('two jobs claimed');
    const [held, finished] = claim.jobs as [OutboxJob, OutboxJob];

    // A replay holding chat-2's key, about to rewrite chat-1's head: it needs chat-1's row after it took the key.
    let release: () => void = () => {};
    const replay = other.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(0x6f6b6579)}, hashtext('chat-2'))`.execute(trx);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      // Row locks of the committer would make this wait; the committer must hold none while it waits for the key.
      await sql`select id from outbox where id = ${held.id} for update nowait`.execute(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const renewed = committer.append({ type: 'renew', leases: [held], leaseMs: LEASE });
    const done = committer.append({ type: 'finish', lease: finished, decision: { type: 'complete' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await replay;
    expect(await done).toEqual({ type: 'finish', held: true });
    expect(await renewed).toMatchObject({ type: 'renew', renewed: new Set([held.id]) });
    await committer.close();
  });
});
