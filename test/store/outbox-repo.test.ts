import { expect, it } from 'vitest';
import type { NewOutboxJob } from '../../src/jobs/new-outbox-job';
import {
  claimDue,
  complete,
  countJobs,
  deadLetter,
  enqueue,
  enqueueMany,
  extendLease,
  fail,
  findDeadJobsMentioning,
  findJob,
  pruneCompleted,
  requeueDeadLetters,
} from '../../src/store/outbox-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const LEASE = 30_000;
const W1 = 'worker-1';
const W2 = 'worker-2';

const job = (key: string, extra: Partial<NewOutboxJob> = {}): NewOutboxJob => ({
  idempotencyKey: key,
  kind: 'amojo.new_message',
  payload: JSON.stringify({ key }),
  ...extra,
});

const keys = (jobs: { idempotencyKey: string }[]) => jobs.map((j) => j.idempotencyKey);

describeEachDatabase('outbox repo', (t) => {
  const claim = (now: number, workerId = W1, limit = 10) => claimDue(t.db, { now, limit, leaseMs: LEASE, workerId });

  it('enqueues once per idempotency key and returns the first job on a repeat', async () => {
    const first = await enqueue(t.db, job('msg-1'), T0);
    expect(first.created).toBe(true);
    expect(first.job).toMatchObject({ idempotencyKey: 'msg-1', status: 'pending', attempts: 0, availableAt: T0 });
    const again = await enqueue(t.db, job('msg-1', { payload: '{"changed":true}' }), T0 + 5);
    expect(again.created).toBe(false);
    expect(again.job).toEqual(first.job);
    expect((await countJobs(t.db)).pending).toBe(1);
  });

  it('claims only due jobs, oldest first, up to the limit, counting an attempt and taking a lease', async () => {
    await enqueue(t.db, job('a'), T0);
    await enqueue(t.db, job('b'), T0);
    await enqueue(t.db, job('later', { availableAt: T0 + 1000 }), T0);
    await enqueue(t.db, job('c'), T0);

    const claimed = await claim(T0, W1, 2);
    expect(keys(claimed)).toEqual(['a', 'b']);
    for (const c of claimed) {
      expect(c).toMatchObject({ status: 'leased', attempts: 1, leaseOwner: W1, availableAt: T0 + LEASE });
    }
    expect(keys(await claim(T0, W2))).toEqual(['c']);
    expect(await claim(T0 + 999, W2)).toEqual([]);
    expect(keys(await claim(T0 + 1000, W2))).toEqual(['later']);
  });

  it('hands an expired lease to another worker and fences the first one out', async () => {
    await enqueue(t.db, job('slow'), T0);
    const [held] = await claim(T0, W1);
    if (!held) throw new Error('nothing claimed');
    expect(await claim(T0 + LEASE - 1, W2)).toEqual([]);
    const [retaken] = await claim(T0 + LEASE, W2);
    expect(retaken).toMatchObject({ id: held.id, attempts: 2, leaseOwner: W2 });

    expect(await complete(t.db, [held], W1, T0 + LEASE + 1)).toBe(0);
    expect(await fail(t.db, held, { workerId: W1, nextAttemptAt: T0, errorCode: 'x', now: T0 })).toBe(false);
    expect(await deadLetter(t.db, held, { workerId: W1, errorCode: 'x', now: T0 })).toBe(false);
    expect((await findJob(t.db, held.id))?.status).toBe('leased');

    if (!retaken) throw new Error('nothing reclaimed');
    expect(await complete(t.db, [retaken], W2, T0 + LEASE + 2)).toBe(1);
    expect(await findJob(t.db, held.id)).toMatchObject({
      status: 'done',
      completedAt: T0 + LEASE + 2,
      leaseOwner: null,
    });
    expect(await claim(T0 + 10 * LEASE, W1)).toEqual([]);
  });

  it('extends a held lease so the job is not reclaimed meanwhile', async () => {
    await enqueue(t.db, job('long'), T0);
    const [held] = await claim(T0, W1);
    if (!held) throw new Error('nothing claimed');
    expect(await extendLease(t.db, held, { workerId: W1, until: T0 + 5 * LEASE, now: T0 + 1 })).toBe(true);
    expect(await claim(T0 + 2 * LEASE, W2)).toEqual([]);
    expect(await extendLease(t.db, held, { workerId: W2, until: T0 + 9 * LEASE, now: T0 + 1 })).toBe(false);
    expect(keys(await claim(T0 + 5 * LEASE, W2))).toEqual(['long']);
  });

  it('retries a failed job at its next attempt time and keeps the error code', async () => {
    await enqueue(t.db, job('flaky'), T0);
    const [first] = await claim(T0, W1);
    if (!first) throw new Error('nothing claimed');
    const failed = await fail(t.db, first, {
      workerId: W1,
      nextAttemptAt: T0 + 2000,
      errorCode: 'amojo_503',
      now: T0 + 1,
    });
    expect(failed).toBe(true);
    expect(await findJob(t.db, first.id)).toMatchObject({
      status: 'pending',
      lastError: 'amojo_503',
      leaseOwner: null,
      attempts: 1,
      availableAt: T0 + 2000,
    });
    expect(await claim(T0 + 1999, W1)).toEqual([]);
    const [second] = await claim(T0 + 2000, W2);
    expect(second).toMatchObject({ id: first.id, attempts: 2, leaseOwner: W2 });
  });

  it('dead-letters a job for good and requeues dead jobs by id, kind or link with a fresh budget', async () => {
    const link = await seedLink(t.db);
    const other = await seedLink(t.db);
    await enqueue(t.db, job('d1', { linkId: link.id }), T0);
    await enqueue(t.db, job('d2', { linkId: other.id }), T0);
    await enqueue(t.db, job('d3', { linkId: link.id, kind: 'bridge.deliver' }), T0);
    await enqueue(t.db, job('alive'), T0);
    const claimed = await claim(T0, W1);
    for (const c of claimed.filter((j) => j.idempotencyKey !== 'alive')) {
      expect(await deadLetter(t.db, c, { workerId: W1, errorCode: 'http_400', now: T0 + 1 })).toBe(true);
    }
    expect(await countJobs(t.db)).toEqual({ pending: 0, leased: 1, done: 0, dead: 3, parked: 0 });
    expect(await claim(T0 + 100 * LEASE, W2)).toHaveLength(1); // only the expired 'alive' lease

    expect(await requeueDeadLetters(t.db, { linkId: link.id, kind: 'bridge.deliver' }, T0 + 10)).toBe(1);
    const d1 = claimed.find((j) => j.idempotencyKey === 'd1');
    expect(await requeueDeadLetters(t.db, { ids: [d1?.id ?? -1] }, T0 + 10)).toBe(1);
    expect(await requeueDeadLetters(t.db, { ids: [] }, T0 + 10)).toBe(0);
    const again = await claim(T0 + 10, W1);
    expect(keys(again).sort()).toEqual(['d1', 'd3']);
    expect(again.every((j) => j.attempts === 1 && j.lastError === 'http_400')).toBe(true);
    expect(await requeueDeadLetters(t.db, {}, T0 + 11)).toBe(1);
    expect(keys(await claim(T0 + 11, W1))).toEqual(['d2']);
  });

  it('runs jobs of one ordering key one at a time, in order, without holding back other keys', async () => {
    for (const key of ['a1', 'b1', 'a2', 'a3', 'b2']) {
      await enqueue(t.db, job(key, { orderingKey: `conv:${key[0]}` }), T0);
    }
    await enqueue(t.db, job('free'), T0);
    const first = await claim(T0, W1);
    expect(keys(first)).toEqual(['a1', 'b1', 'free']);
    expect(await claim(T0, W2)).toEqual([]);

    const [a1, b1] = first;
    if (!a1 || !b1) throw new Error('missing claims');
    await complete(t.db, [a1], W1, T0 + 1);
    const [a2] = await claim(T0 + 1, W2);
    expect(a2?.idempotencyKey).toBe('a2');
    if (!a2) return;

    // A failed head waits for its retry and keeps the rest of its conversation waiting too.
    await fail(t.db, a2, { workerId: W2, nextAttemptAt: T0 + 500, errorCode: 'amojo_429', now: T0 + 2 });
    await complete(t.db, [b1], W1, T0 + 2);
    expect(keys(await claim(T0 + 3, W1))).toEqual(['b2']);
    expect(await claim(T0 + 4, W1)).toEqual([]);
    const [a2again] = await claim(T0 + 500, W1);
    expect(a2again?.idempotencyKey).toBe('a2');
    if (!a2again) return;

    // A dead head no longer blocks the conversation.
    await deadLetter(t.db, a2again, { workerId: W1, errorCode: 'http_400', now: T0 + 501 });
    expect(keys(await claim(T0 + 502, W1))).toEqual(['a3']);
  });

  it('reclaims an expired head before anything behind it', async () => {
    await enqueue(t.db, job('h1', { orderingKey: 'conv:h' }), T0);
    await enqueue(t.db, job('h2', { orderingKey: 'conv:h' }), T0);
    expect(keys(await claim(T0, W1))).toEqual(['h1']);
    const retaken = await claim(T0 + LEASE, W2);
    expect(keys(retaken)).toEqual(['h1']);
  });

  it('a requeued dead job goes back in front of its conversation', async () => {
    await enqueue(t.db, job('r1', { orderingKey: 'conv:r' }), T0);
    await enqueue(t.db, job('r2', { orderingKey: 'conv:r' }), T0);
    await enqueue(t.db, job('r3', { orderingKey: 'conv:r' }), T0);
    const [r1] = await claim(T0, W1);
    if (!r1) throw new Error('nothing claimed');
    await deadLetter(t.db, r1, { workerId: W1, errorCode: 'x', now: T0 });
    const [r2] = await claim(T0, W1);
    expect(r2?.idempotencyKey).toBe('r2');
    if (!r2) return;
    await complete(t.db, [r2], W1, T0);
    await requeueDeadLetters(t.db, { ids: [r1.id] }, T0 + 1);
    expect(keys(await claim(T0 + 1, W1))).toEqual(['r1']);
  });

  it('a dead job requeued while a later job of its conversation is in flight waits for it, then goes first', async () => {
    for (const key of ['q1', 'q2', 'q3']) await enqueue(t.db, job(key, { orderingKey: 'conv:q' }), T0);
    const [q1] = await claim(T0, W1);
    if (!q1) throw new Error('nothing claimed');
    await deadLetter(t.db, q1, { workerId: W1, errorCode: 'x', now: T0 });
    const [q2] = await claim(T0, W1);
    expect(q2?.idempotencyKey).toBe('q2');
    if (!q2) return;
    await requeueDeadLetters(t.db, { ids: [q1.id] }, T0 + 1);
    expect(keys(await claim(T0 + 1, W2))).toEqual([]);
    await complete(t.db, [q2], W1, T0 + 2);
    expect(keys(await claim(T0 + 2, W2))).toEqual(['q1']);
  });

  it('a requeued job does not wait for a later job whose worker died', async () => {
    for (const key of ['d1', 'd2']) await enqueue(t.db, job(key, { orderingKey: 'conv:d' }), T0);
    const [d1] = await claim(T0, W1);
    if (!d1) throw new Error('nothing claimed');
    await deadLetter(t.db, d1, { workerId: W1, errorCode: 'x', now: T0 });
    expect(keys(await claim(T0, W1))).toEqual(['d2']);
    await requeueDeadLetters(t.db, { ids: [d1.id] }, T0 + 1);
    // d2's lease runs out: its worker is gone, so d1 goes first and d2 runs again after it.
    expect(keys(await claim(T0 + LEASE, W2))).toEqual(['d1']);
  });

  it('finds dead jobs of a link and kind by text in their payload, with LIKE wildcards taken literally', async () => {
    const link = await seedLink(t.db);
    const dead = async (key: string, text: string, kind = 'amojo.new_message') => {
      const { job: queued } = await enqueue(
        t.db,
        { ...job(key), kind, linkId: link.id, payload: `{"x":"${text}"}` },
        T0,
      );
      await t.db.updateTable('outbox').set({ status: 'dead' }).where('id', '=', queued.id).execute();
    };
    await dead('w1', 'a_b%c\\d');
    await dead('w2', 'axbyc\\d');
    await dead('w3', 'a_b%c\\d', 'amojo.react');
    await enqueue(t.db, { ...job('w4'), linkId: link.id, payload: '{"x":"a_b%c\\\\d"}' }, T0);
    const found = await findDeadJobsMentioning(t.db, link.id, 'amojo.new_message', 'a_b%c\\d');
    expect(keys(found)).toEqual(['w1']);
  });

  it('enqueues and completes batches larger than one statement can carry', async () => {
    const many = Array.from({ length: 1234 }, (_, i) => job(`bulk-${i}`));
    const created = await enqueueMany(t.db, [...many, job('bulk-7')], T0);
    expect(created.size).toBe(1234);
    expect((await enqueueMany(t.db, many.slice(0, 600), T0)).size).toBe(0);
    // One group of jobs (no link): the cap per link is lifted to claim them all in one go.
    const claimed = await claimDue(t.db, { now: T0, limit: 2000, leaseMs: LEASE, workerId: W1, linkCap: 2000 });
    expect(claimed).toHaveLength(1234);
    expect(await complete(t.db, claimed, W1, T0 + 1)).toBe(1234);
    expect(await countJobs(t.db)).toEqual({ pending: 0, leased: 0, done: 1234, dead: 0, parked: 0 });
  });

  it('prunes done jobs older than the horizon only', async () => {
    await enqueue(t.db, job('old'), T0);
    await enqueue(t.db, job('new'), T0);
    await enqueue(t.db, job('waiting'), T0 + 10_000);
    const claimed = await claim(T0, W1);
    const [old, fresh] = claimed;
    if (!old || !fresh) throw new Error('missing claims');
    await complete(t.db, [old], W1, T0 + 1);
    await complete(t.db, [fresh], W1, T0 + 100);
    expect(await pruneCompleted(t.db, T0 + 50)).toBe(1);
    expect(await findJob(t.db, old.id)).toBeUndefined();
    expect(await findJob(t.db, fresh.id)).toBeDefined();
    expect(await countJobs(t.db)).toEqual({ pending: 1, leased: 0, done: 1, dead: 0, parked: 0 });
  });
});
