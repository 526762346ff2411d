import { describe, expect, it } from 'vitest';
import { createRelayRunner, type JobHandler } from '../../src/relay/create-relay-runner';
import { enqueue, enqueueMany, findJob } from '../../src/store/outbox-repo';
import { seedLink } from '../store/helpers/seed-link';
import { waitFor } from './helpers/relay-fixtures';
import { relayRunnerSetup } from './helpers/relay-runner-setup';

// When the runner claims: a claim waits briefly for a running job to end (to share its commit), but never longer.
describe('createRelayRunner claims', () => {
  const setup = relayRunnerSetup();

  const add = (key: string) =>
    enqueue(setup.db, { idempotencyKey: key, kind: 'test.job', payload: '{}' }, Date.now()).then((r) => r.job);

  function start(handle: JobHandler, concurrency: number, linkCap?: number) {
    // A long idle interval: only notify() and ending jobs can start a claim.
    const runner = createRelayRunner({
      db: setup.db,
      handle,
      concurrency,
      idleMs: 60_000,
      ...(linkCap ? { linkCap } : {}),
    });
    setup.runner = runner;
    runner.start();
    return runner;
  }

  it('claims new work while a job hangs, however often notify() wakes it', async () => {
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: string[] = [];
    await add('slow');
    const r = start(async (job) => {
      started.push(job.idempotencyKey);
      if (job.idempotencyKey === 'slow') await hanging;
      return { outcome: 'ok' };
    }, 8);
    await waitFor('the slow job running', () => started.includes('slow'));
    const fast = await add('fast');
    const pinger = setInterval(() => r.notify(), 2);
    try {
      await waitFor('the new job done', async () => (await findJob(setup.db, fast.id))?.status === 'done', 2000);
    } finally {
      clearInterval(pinger);
      release();
    }
  });

  it('never runs more handlers at once than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => add(`job-${i}`)));
    const r = start(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { outcome: 'ok' };
    }, 4);
    r.notify();
    await waitFor('all done', async () => {
      const rows = await Promise.all(jobs.map((job) => findJob(setup.db, job.id)));
      return rows.every((row) => row?.status === 'done');
    });
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it("holds at most linkCap jobs of one link while another link's job goes through", async () => {
    const flood = (await seedLink(setup.db)).id;
    const quiet = (await seedLink(setup.db)).id;
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    let floodRunning = 0;
    let floodPeak = 0;
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      idempotencyKey: `flood-${i}`,
      kind: 'test.job',
      payload: '{}',
      linkId: flood,
    }));
    await enqueueMany(setup.db, jobs, Date.now());
    const r = start(
      async (job) => {
        if (job.linkId === flood) {
          floodRunning += 1;
          floodPeak = Math.max(floodPeak, floodRunning);
          await hanging;
          floodRunning -= 1;
        }
        return { outcome: 'ok' };
      },
      8,
      3,
    );
    await waitFor('the flood at its cap', () => floodRunning === 3);
    const { job } = await enqueue(
      setup.db,
      { idempotencyKey: 'quiet', kind: 'test.job', payload: '{}', linkId: quiet },
      Date.now(),
    );
    r.notify();
    try {
      await waitFor('the quiet job done', async () => (await findJob(setup.db, job.id))?.status === 'done', 2000);
      expect(floodPeak).toBe(3);
    } finally {
      release();
    }
  });
});
