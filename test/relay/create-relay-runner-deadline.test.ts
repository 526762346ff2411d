import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/create-metrics';
import { createRelayRunner, type JobHandler } from '../../src/relay/create-relay-runner';
import type { JobEffect } from '../../src/relay/job-effect';
import { enqueue, findJob, type OutboxJob } from '../../src/store/outbox-repo';
import { waitFor } from './helpers/relay-fixtures';
import { relayRunnerSetup } from './helpers/relay-runner-setup';

/** An effect that leaves a row behind, so a test can tell whether it was committed. */
const marker =
  (key: string): JobEffect =>
  (trx, now) =>
    enqueue(trx, { idempotencyKey: key, kind: 'marker', payload: '{}', availableAt: now + 3_600_000 }, now).then(
      () => {},
    );

const never = new Promise<never>(() => {});

// Every attempt has a deadline (tiny here, 60 s by default). Nothing below measures time: the handlers wait for
// the deadline's signal or never end, so only the deadline can move the job on.
describe('createRelayRunner: the per-attempt deadline and effects of dead letters that never ran', () => {
  const setup = relayRunnerSetup();

  const add = (key: string, orderingKey: string | null = null) =>
    enqueue(setup.db, { idempotencyKey: key, kind: 'test.job', payload: '{}', orderingKey }, Date.now()).then(
      (r) => r.job,
    );
  const markers = async () =>
    (await setup.db.selectFrom('outbox').select('idempotencyKey').where('kind', '=', 'marker').execute()).map(
      (r) => r.idempotencyKey,
    );

  function start(handle: JobHandler, options: Partial<Parameters<typeof createRelayRunner>[0]> = {}) {
    const runner = createRelayRunner({
      db: setup.db,
      handle,
      idleMs: 10,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      deadlineMs: 40,
      ...options,
    });
    setup.runner = runner;
    runner.start();
    return runner;
  }

  it('aborts an attempt at its deadline, retries it as job_deadline, and never commits what it returns late', async () => {
    const job = await add('slow');
    const metrics = createMetrics();
    const signals: AbortSignal[] = [];
    start(
      async (_row, ctx) => {
        signals.push(ctx.signal);
        if (ctx.attempt > 1) return { outcome: 'ok' };
        // Ignores nothing: it notices the abort, then answers as if it had finished, effects and all.
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return { outcome: 'ok', effects: marker('late') };
      },
      { metrics },
    );
    await waitFor('done on the second attempt', async () => (await findJob(setup.db, job.id))?.status === 'done');
    expect(await findJob(setup.db, job.id)).toMatchObject({ attempts: 2, lastError: 'job_deadline' });
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ code: 'job_deadline', retryable: true });
    expect(signals[1]?.aborted).toBe(false);
    expect(await markers()).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(/relay_job_attempts_total\{kind="test.job",outcome="retry"\} 1/);
  });

  it('frees the slot of a handler that never ends, and dead-letters it at the last with the dead-letter effects', async () => {
    const stuck = await add('stuck', 'a');
    const other = await add('other', 'b');
    const asked: [string, string][] = [];
    start(async (row) => (row.idempotencyKey === 'stuck' ? never : { outcome: 'ok' }), {
      // One slot: `other` only runs once the stuck attempt stopped holding it.
      concurrency: 1,
      deadEffects: async (row: OutboxJob, code) => {
        asked.push([row.idempotencyKey, code]);
        return marker(`report:${row.idempotencyKey}`);
      },
    });
    await waitFor('the other job done', async () => (await findJob(setup.db, other.id))?.status === 'done');
    await waitFor('stuck dead', async () => (await findJob(setup.db, stuck.id))?.status === 'dead');
    expect(await findJob(setup.db, stuck.id)).toMatchObject({ attempts: 2, lastError: 'job_deadline' });
    expect(asked).toEqual([['stuck', 'job_deadline']]);
    expect(await markers()).toEqual(['report:stuck']);
  });

  it('writes the dead-letter effects of a job dead-lettered as attempts_exhausted, without running it', async () => {
    const poison = await add('poison');
    await setup.db.updateTable('outbox').set({ attempts: 2 }).where('id', '=', poison.id).execute();
    const ran: string[] = [];
    const asked: [string, string][] = [];
    start(
      async (row) => {
        ran.push(row.idempotencyKey);
        return { outcome: 'ok' };
      },
      {
        deadEffects: async (row, code) => {
          asked.push([row.idempotencyKey, code]);
          return marker(`report:${row.idempotencyKey}`);
        },
      },
    );
    await waitFor('dead', async () => (await findJob(setup.db, poison.id))?.status === 'dead');
    expect(await findJob(setup.db, poison.id)).toMatchObject({ attempts: 3, lastError: 'attempts_exhausted' });
    expect(ran).toEqual([]);
    expect(asked).toEqual([['poison', 'attempts_exhausted']]);
    expect(await markers()).toEqual(['report:poison']);
  });

  it('still dead-letters the job when its dead-letter effects cannot be read', async () => {
    const poison = await add('poison');
    await setup.db.updateTable('outbox').set({ attempts: 2 }).where('id', '=', poison.id).execute();
    start(async () => ({ outcome: 'ok' }), {
      deadEffects: async () => {
        throw new Error('the hook is gone');
      },
    });
    await waitFor('dead', async () => (await findJob(setup.db, poison.id))?.status === 'dead');
    expect(await markers()).toEqual([]);
  });
});
