import { expect, it } from 'vitest';
import {
  claimDue,
  completeHeld,
  deadLetter,
  enqueue,
  enqueueMany,
  fail,
  findJob,
  parkHeld,
  parkLinkJobs,
  renewHeld,
  requeueDeadLetters,
} from '../../src/store/outbox-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const LEASE = 10_000;
const W1 = 'worker-1';
const W2 = 'worker-2';

const job = (key: string) => ({ idempotencyKey: key, kind: 'amojo.new_message', payload: JSON.stringify({ key }) });

describeEachDatabase('lost leases (0012)', (t) => {
  const claim = (now: number, workerId = W1, limit = 10) => claimDue(t.db, { now, limit, leaseMs: LEASE, workerId });

  it('counts a takeover after the lease ran out as a lost lease, not as a spent attempt of the budget', async () => {
    const { job: created } = await enqueue(t.db, job('a'), T0);
    expect(created.lostLeases).toBe(0);
    const [first] = await claim(T0, W1);
    expect(first).toMatchObject({ attempts: 1, lostLeases: 0, leaseOwner: W1 });

    // W1 dies holding it; once the lease ran out W2 takes it over.
    const [taken] = await claim(T0 + LEASE, W2);
    expect(taken).toMatchObject({ id: created.id, attempts: 2, lostLeases: 1, leaseOwner: W2 });
    // The fencing token moved on (W1's late outcome is refused), while the budget is still one attempt.
    expect((taken?.attempts ?? 0) - (taken?.lostLeases ?? 0)).toBe(1);
    expect(await completeHeld(t.db, [{ id: created.id, attempts: 1 }], W1, T0 + LEASE + 1)).toEqual(new Set());

    // A retry then claimed afresh is a real second attempt: attempts grows, lost leases do not.
    expect(
      await fail(t.db, { id: created.id, attempts: 2 }, { workerId: W2, nextAttemptAt: T0, errorCode: 'x', now: T0 }),
    ).toBe(true);
    const [retried] = await claim(T0 + 2 * LEASE, W1);
    expect(retried).toMatchObject({ attempts: 3, lostLeases: 1 });
  });

  it('renews, in one call, only the leases this worker still holds with the same attempt', async () => {
    const ids: number[] = [];
    for (const key of ['a', 'b', 'c', 'd']) ids.push((await enqueue(t.db, job(key), T0)).job.id);
    const [a, b, c, d] = ids as [number, number, number, number];
    const claimed = await claim(T0, W1);
    expect(claimed).toHaveLength(4);
    const leases = claimed.map((j) => ({ id: j.id, attempts: j.attempts }));
    // b: taken over by W2 after its lease ran out; c: finished; d: W1's view of d is an older attempt.
    await t.db.updateTable('outbox').set({ availableAt: T0 }).where('id', '=', b).execute();
    expect((await claim(T0, W2)).map((j) => j.id)).toEqual([b]);
    await completeHeld(t.db, [{ id: c, attempts: 1 }], W1, T0 + 1);
    const stale = leases.map((l) => (l.id === d ? { id: d, attempts: 0 } : l));

    const renewed = await renewHeld(t.db, stale, { workerId: W1, until: T0 + 3 * LEASE, now: T0 + 2 });
    expect(renewed).toEqual(new Set([a]));
    expect(await findJob(t.db, a)).toMatchObject({ availableAt: T0 + 3 * LEASE, leaseOwner: W1 });
    expect(await findJob(t.db, b)).toMatchObject({ availableAt: T0 + LEASE, leaseOwner: W2 });
    expect(await findJob(t.db, c)).toMatchObject({ status: 'done' });
    expect(await findJob(t.db, d)).toMatchObject({ availableAt: T0 + LEASE });
    expect(await renewHeld(t.db, [], { workerId: W1, until: T0, now: T0 })).toEqual(new Set());
  });

  it('renews more leases than one statement takes', async () => {
    await enqueueMany(
      t.db,
      Array.from({ length: 520 }, (_, i) => job(`k${i}`)),
      T0,
    );
    const claimed = await claimDue(t.db, { now: T0, limit: 600, leaseMs: LEASE, workerId: W1, linkCap: 600 });
    expect(claimed).toHaveLength(520);
    const leases = claimed.map((j) => ({ id: j.id, attempts: j.attempts }));
    const renewed = await renewHeld(t.db, leases, { workerId: W1, until: T0 + 2 * LEASE, now: T0 + 1 });
    expect(renewed.size).toBe(520);
  }, 30_000);

  it('gives back a parked attempt without taking the budget below zero', async () => {
    const link = await seedLink(t.db);
    const { job: created } = await enqueue(t.db, { ...job('p'), linkId: link.id }, T0);
    await claim(T0, W1);
    const [taken] = await claim(T0 + LEASE, W2);
    expect(taken).toMatchObject({ attempts: 2, lostLeases: 1 });
    await parkLinkJobs(t.db, link.id, T0 + LEASE);
    await t.db.updateTable('links').set({ parkedAt: T0 }).where('id', '=', link.id).execute();
    expect(await parkHeld(t.db, { id: created.id, attempts: 2 }, W2, T0 + LEASE + 1)).toBe(true);
    expect(await findJob(t.db, created.id)).toMatchObject({ status: 'parked', attempts: 1, lostLeases: 1 });
    // Leased again (unparked, claimed) and parked again: the budget is 0 already, so nothing more is given back.
    await t.db
      .updateTable('outbox')
      .set({ status: 'leased', leaseOwner: W2, availableAt: T0 + 2 * LEASE })
      .where('id', '=', created.id)
      .execute();
    expect(await parkHeld(t.db, { id: created.id, attempts: 1 }, W2, T0 + LEASE + 2)).toBe(true);
    expect(await findJob(t.db, created.id)).toMatchObject({ status: 'parked', attempts: 1, lostLeases: 1 });
  });

  it('requeues a dead letter with a fresh budget and no lost leases', async () => {
    const { job: created } = await enqueue(t.db, job('w'), T0);
    let now = T0;
    for (let i = 0; i < 5; i++) {
      await claim(now, i % 2 === 0 ? W1 : W2);
      now += LEASE;
    }
    expect(await findJob(t.db, created.id)).toMatchObject({ attempts: 5, lostLeases: 4 });
    const holder = (await findJob(t.db, created.id))?.leaseOwner ?? '';
    expect(
      await deadLetter(t.db, { id: created.id, attempts: 5 }, { workerId: holder, errorCode: 'worker_lost', now }),
    ).toBe(true);
    expect(await requeueDeadLetters(t.db, { ids: [created.id] }, now)).toBe(1);
    expect(await findJob(t.db, created.id)).toMatchObject({ status: 'pending', attempts: 0, lostLeases: 0 });
    expect(await claim(now, W1)).toMatchObject([{ attempts: 1, lostLeases: 0 }]);
  });
});
