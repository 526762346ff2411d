import { expect, it } from 'vitest';
import type { NewOutboxJob } from '../../src/jobs/new-outbox-job';
import { findLinkByAccountId, setLinkParked } from '../../src/store/links-repo';
import {
  claimDue,
  countJobs,
  enqueue,
  fail,
  findJob,
  parkHeld,
  parkLinkJobs,
  unparkLinkJobs,
} from '../../src/store/outbox-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_800_000_000_000;
const LEASE = 30_000;

const job = (key: string, linkId: string, extra: Partial<NewOutboxJob> = {}): NewOutboxJob => ({
  idempotencyKey: key,
  kind: 'amojo.new_message',
  payload: JSON.stringify({ key }),
  linkId,
  orderingKey: `chat:${linkId}`,
  ...extra,
});

describeEachDatabase('outbox: parked jobs of a removed installation', (t) => {
  const claim = (now: number, limit = 10, workerId = 'w1') => claimDue(t.db, { now, limit, leaseMs: LEASE, workerId });
  const keys = (jobs: { idempotencyKey: string }[]) => jobs.map((j) => j.idempotencyKey);

  it('parks a link’s pending jobs (due or waiting for a retry), never claims them, and leaves other links alone', async () => {
    const removed = await seedLink(t.db);
    const other = await seedLink(t.db);
    await enqueue(t.db, job('r1', removed.id), T0);
    await enqueue(t.db, job('r2', removed.id, { availableAt: T0 + 60_000 }), T0);
    await enqueue(t.db, job('o1', other.id), T0);

    expect(await parkLinkJobs(t.db, removed.id, T0 + 1)).toBe(2);
    expect(await countJobs(t.db)).toMatchObject({ pending: 1, parked: 2 });
    const claimed = await claim(T0 + 120_000);
    expect(keys(claimed)).toEqual(['o1']);
    await t.db.updateTable('outbox').set({ status: 'done' }).where('linkId', '=', other.id).execute();
    // Nor after any time: a lease expiry or a retry time does not make a parked job due.
    expect(await claim(T0 + 10 * 24 * 3600_000)).toEqual([]);
    expect(await parkLinkJobs(t.db, removed.id, T0 + 2)).toBe(0);
  });

  it('unparks due now, in id order within an ordering key, with the attempts they had', async () => {
    const link = await seedLink(t.db);
    const first = (await enqueue(t.db, job('m1', link.id), T0)).job;
    await enqueue(t.db, job('m2', link.id), T0);
    await enqueue(t.db, job('m3', link.id), T0);
    // m1 failed once and waits for its retry when the installation goes.
    const [claimed] = await claim(T0, 1);
    if (!claimed) throw new Error('nothing claimed');
    await fail(t.db, claimed, { workerId: 'w1', nextAttemptAt: T0 + 3_600_000, errorCode: 'upstream_error', now: T0 });
    expect(await parkLinkJobs(t.db, link.id, T0 + 1)).toBe(3);

    expect(await unparkLinkJobs(t.db, link.id, T0 + 100)).toBe(3);
    expect(await findJob(t.db, first.id)).toMatchObject({ status: 'pending', attempts: 1, availableAt: T0 + 100 });
    const order: string[] = [];
    for (let now = T0 + 100; order.length < 3; now += 1) {
      const batch = await claim(now);
      expect(batch.length).toBeLessThanOrEqual(1); // one ordering key: one at a time
      for (const j of batch) {
        order.push(j.idempotencyKey);
        await t.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', j.id).execute();
      }
    }
    expect(order).toEqual(['m1', 'm2', 'm3']);
    expect(await unparkLinkJobs(t.db, link.id, T0 + 200)).toBe(0);
  });

  it('puts a job claimed for a parked link back as parked, not counting the attempt, only for its holder', async () => {
    const link = await seedLink(t.db);
    const { job: queued } = await enqueue(t.db, job('held', link.id), T0);
    const [held] = await claim(T0);
    if (!held) throw new Error('nothing claimed');
    expect(held.attempts).toBe(1);
    await setLinkParked(t.db, link.accountId, true, T0);

    expect(await parkHeld(t.db, held, 'someone-else', T0 + 1)).toBe(false);
    expect(await parkHeld(t.db, { id: held.id, attempts: 2 }, 'w1', T0 + 1)).toBe(false);
    expect(await parkHeld(t.db, held, 'w1', T0 + 1)).toBe(true);
    expect(await findJob(t.db, queued.id)).toMatchObject({ status: 'parked', attempts: 0, leaseOwner: null });
    expect(await claim(T0 + 2 * LEASE)).toEqual([]);
    // Once parked, the old lease is void: it cannot park (or complete) the job again.
    expect(await parkHeld(t.db, held, 'w1', T0 + 2)).toBe(false);

    await unparkLinkJobs(t.db, link.id, T0 + 3);
    const [again] = await claim(T0 + 3);
    expect(again).toMatchObject({ idempotencyKey: 'held', attempts: 1 });
  });

  it('makes a held job pending instead when an install unparked its link after the worker looked', async () => {
    const link = await seedLink(t.db);
    await enqueue(t.db, job('raced', link.id), T0);
    const [held] = await claim(T0);
    if (!held) throw new Error('nothing claimed');
    // The worker saw the link parked; the install then unparked it while the job was leased, so unparkLinkJobs
    // (which moves only parked rows) could not reach it.
    await setLinkParked(t.db, link.accountId, true, T0);
    await setLinkParked(t.db, link.accountId, false, T0 + 1);
    await unparkLinkJobs(t.db, link.id, T0 + 1);
    expect(await parkHeld(t.db, held, 'w1', T0 + 2)).toBe(true);
    expect(await findJob(t.db, held.id)).toMatchObject({ status: 'pending', attempts: 0, availableAt: T0 + 2 });
    expect(keys(await claim(T0 + 2))).toEqual(['raced']);
  });

  it('marks a link parked (keeping the first time) and unparked, by account', async () => {
    const link = await seedLink(t.db);
    expect(link.parkedAt).toBeNull();
    expect(await setLinkParked(t.db, link.accountId, true, T0)).toMatchObject({ id: link.id, parkedAt: T0 });
    expect(await setLinkParked(t.db, link.accountId, true, T0 + 5)).toMatchObject({ parkedAt: T0, updatedAt: T0 + 5 });
    expect((await findLinkByAccountId(t.db, link.accountId))?.parkedAt).toBe(T0);
    expect(await setLinkParked(t.db, link.accountId, false, T0 + 9)).toMatchObject({ parkedAt: null });
    expect(await setLinkParked(t.db, 99_999_999, true, T0)).toBeUndefined();
  });
});
