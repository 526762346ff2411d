import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/create-metrics';
import { createRelayRunner, type JobHandler } from '../../src/relay/create-relay-runner';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { claimDue, enqueue, findJob, type OutboxJob } from '../../src/store/outbox-repo';
import type { Database } from '../../src/store/schema';
import { waitFor } from './helpers/relay-fixtures';
import { relayRunnerSetup } from './helpers/relay-runner-setup';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRelayRunner', () => {
  const setup = relayRunnerSetup();

  const add = (key: string, orderingKey: string | null = null, kind = 'test.job') =>
    enqueue(setup.db, { idempotencyKey: key, kind, payload: '{}', orderingKey }, Date.now()).then((r) => r.job);

  function start(handle: JobHandler, options: Partial<Parameters<typeof createRelayRunner>[0]> = {}) {
    const runner = createRelayRunner({
      db: setup.db,
      handle,
      idleMs: 10,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      ...options,
    });
    setup.runner = runner;
    runner.start();
    return runner;
  }
  const statusOf = async (id: number) => (await findJob(setup.db, id))?.status;

  it('shows its claim loop turning while it runs, and stopping with it', async () => {
    let clock = 1_000;
    const idle = createRelayRunner({
      db: setup.db,
      handle: async () => ({ outcome: 'ok' }),
      idleMs: 5,
      now: () => clock,
    });
    expect(idle.lastTurnAt()).toBeUndefined();
    setup.runner = idle;
    idle.start();
    await waitFor('a first turn', () => idle.lastTurnAt() === 1_000);
    clock = 2_000;
    await waitFor('the loop turning on its own while idle', () => idle.lastTurnAt() === 2_000);
    await idle.stop();
    expect(idle.lastTurnAt()).toBeUndefined();
  });

  it('runs different ordering keys concurrently and one key strictly in order', async () => {
    const events: string[] = [];
    let inFlight = 0;
    let peak = 0;
    for (let i = 0; i < 4; i++) for (const key of ['a', 'b', 'c']) await add(`${key}${i}`, key);
    start(async (job) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      events.push(`start ${job.idempotencyKey}`);
      await later(15);
      events.push(`end ${job.idempotencyKey}`);
      inFlight -= 1;
      return { outcome: 'ok' };
    });
    await waitFor(
      'all done',
      async () =>
        (await setup.db.selectFrom('outbox').select('id').where('status', '!=', 'done').execute()).length === 0,
    );
    expect(peak).toBeGreaterThan(1);
    for (const key of ['a', 'b', 'c']) {
      const mine = events.filter((e) => e.split(' ')[1]?.startsWith(key));
      expect(mine).toEqual([0, 1, 2, 3].flatMap((i) => [`start ${key}${i}`, `end ${key}${i}`]));
    }
  });

  it('retries a retryable failure with backoff, honouring a Retry-After floor, then completes', async () => {
    const job = await add('flaky');
    const attempts: number[] = [];
    start(
      async (_row, ctx) => {
        attempts.push(Date.now());
        if (ctx.attempt < 3) throw new RelayJobError('busy', { retryable: true, retryAfterMs: 150 });
        expect(ctx.lastAttempt).toBe(true);
        return { outcome: 'ok' };
      },
      { random: () => 0 },
    );
    await waitFor('done', async () => (await statusOf(job.id)) === 'done');
    const row = await findJob(setup.db, job.id);
    expect([row?.attempts, row?.lastError]).toEqual([3, 'busy']);
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(140);
    expect((attempts[2] ?? 0) - (attempts[1] ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('dead-letters after the last attempt and writes the failure’s onDead effect with it', async () => {
    const job = await add('doomed');
    const metrics = createMetrics();
    start(
      async () => {
        throw new RelayJobError('still_down', {
          retryable: true,
          onDead: (trx, now) =>
            enqueue(
              trx,
              { idempotencyKey: 'report', kind: 'report', payload: '{}', availableAt: now + 60_000 },
              now,
            ).then(() => {}),
        });
      },
      { metrics },
    );
    await waitFor('dead', async () => (await statusOf(job.id)) === 'dead');
    expect((await findJob(setup.db, job.id))?.attempts).toBe(3);
    const reports = await setup.db.selectFrom('outbox').select('kind').where('kind', '=', 'report').execute();
    expect(reports).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/relay_dead_letters_total\{kind="test.job"\} 1/);
    expect(text).toMatch(/relay_job_attempts_total\{kind="test.job",outcome="retry"\} 2/);
  });

  it('dead-letters without running it a job whose budget is past the policy (a row from before 0012)', async () => {
    const poison = await add('poison', 'conv');
    const next = await add('next', 'conv');
    // Three claims (maxAttempts) whose workers died before reporting, counted as attempts as they were before
    // 0012 counted lost leases apart (lost_leases 0). Today's takeovers end as worker_lost instead
    // (create-relay-runner-leases.test.ts).
    await setup.db.updateTable('outbox').set({ attempts: 3 }).where('id', '=', poison.id).execute();
    const ran: string[] = [];
    start(async (job) => {
      ran.push(job.idempotencyKey);
      return { outcome: 'ok' };
    });
    await waitFor('the next job done', async () => (await statusOf(next.id)) === 'done');
    expect(ran).toEqual(['next']);
    expect(await findJob(setup.db, poison.id)).toMatchObject({
      status: 'dead',
      attempts: 4,
      lastError: 'attempts_exhausted',
    });
  });

  it('dead-letters a permanent failure at once, does not hold its key back, and retries unknown errors', async () => {
    const permanent = await add('bad', 'k');
    const after = await add('good', 'k');
    const crashy = await add('crashy');
    let crashes = 0;
    start(async (row) => {
      if (row.idempotencyKey === 'bad') throw new RelayJobError('refused', { retryable: false });
      if (row.idempotencyKey === 'crashy' && crashes++ === 0) throw new Error('database hiccup');
      return { outcome: 'ok' };
    });
    await waitFor(
      'settled',
      async () => (await statusOf(after.id)) === 'done' && (await statusOf(crashy.id)) === 'done',
    );
    expect(await findJob(setup.db, permanent.id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'refused' });
    expect(await findJob(setup.db, crashy.id)).toMatchObject({ attempts: 2, lastError: 'internal_error' });
  });

  it('renews the lease of a job that outlives it, so it runs once and nobody else can take it', async () => {
    const job = await add('slow');
    let runs = 0;
    start(
      async () => {
        runs += 1;
        await later(250);
        return { outcome: 'ok' };
      },
      { leaseMs: 60 },
    );
    await waitFor('running', () => runs === 1);
    await later(120);
    expect(await claimDue(setup.db, { now: Date.now(), limit: 10, leaseMs: 60_000, workerId: 'other' })).toEqual([]);
    await waitFor('done', async () => (await statusOf(job.id)) === 'done');
    expect([runs, (await findJob(setup.db, job.id))?.attempts]).toEqual([1, 1]);
  });

  it('commits effects with completion, and not at all when the lease was taken over meanwhile', async () => {
    const kept = await add('kept');
    const lost = await add('lost');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const effect = (key: string) => (trx: Kysely<Database>, now: number) =>
      enqueue(
        trx,
        { idempotencyKey: `effect-${key}`, kind: 'effect', payload: '{}', availableAt: now + 60_000 },
        now,
      ).then(() => {});
    let blocked = false;
    start(async (row: OutboxJob) => {
      if (row.idempotencyKey === 'lost') {
        blocked = true;
        await gate;
      }
      return { outcome: 'ok', effects: effect(row.idempotencyKey) };
    });
    await waitFor('kept done, lost running', async () => blocked && (await statusOf(kept.id)) === 'done');
    // What a takeover looks like after this worker stalled past its lease: another owner and a newer attempt.
    await setup.db
      .updateTable('outbox')
      .set((eb) => ({ leaseOwner: 'other', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', lost.id)
      .execute();
    release();
    await waitFor('first worker finished', () => setup.runner?.inFlight() === 0);
    expect(await findJob(setup.db, lost.id)).toMatchObject({ status: 'leased', leaseOwner: 'other' });
    const effects = await setup.db.selectFrom('outbox').select('idempotencyKey').where('kind', '=', 'effect').execute();
    expect(effects.map((e) => e.idempotencyKey)).toEqual(['effect-kept']);
  });

  it('turns effects that cannot be written into failed attempts, ending as a dead letter', async () => {
    const job = await add('poison');
    let runs = 0;
    start(async () => {
      runs += 1;
      return {
        outcome: 'ok',
        effects: async () => {
          throw new Error('constraint failed');
        },
      };
    });
    await waitFor('dead', async () => (await statusOf(job.id)) === 'dead');
    expect(await findJob(setup.db, job.id)).toMatchObject({ attempts: 3, lastError: 'effects_failed' });
    expect(runs).toBe(3);
  });

  it('stop() lets jobs in flight finish and stores their outcome', async () => {
    const job = await add('slow');
    let started = false;
    const r = start(async () => {
      started = true;
      await later(100);
      return { outcome: 'ok' };
    });
    await waitFor('started', () => started);
    await r.stop();
    setup.runner = undefined;
    expect(await statusOf(job.id)).toBe('done');
    const next = await add('after-stop');
    await later(50);
    expect(await statusOf(next.id)).toBe('pending');
  });
});
