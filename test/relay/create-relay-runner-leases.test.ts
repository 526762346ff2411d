import { ColumnNode, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createRelayRunner, type JobContext, type JobHandler } from '../../src/relay/create-relay-runner';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { claimDue, enqueue, findJob } from '../../src/store/outbox-repo';
import type { Database } from '../../src/store/schema';
import { waitFor } from './helpers/relay-fixtures';
import { relayRunnerSetup } from './helpers/relay-runner-setup';

const T0 = 1_700_000_000_000;
// Renewed every 100 ms of real time; expiry is read on the test's clock, which only the test moves.
const LEASE = 300;

describe('createRelayRunner: short leases and lost ones', () => {
  const setup = relayRunnerSetup();
  let clock = T0;

  const add = (key: string) =>
    enqueue(setup.db, { idempotencyKey: key, kind: 'test.job', payload: '{}' }, clock).then((r) => r.job);
  const otherWorkerClaims = (now: number, workerId = 'other') =>
    claimDue(setup.db, { now, limit: 10, leaseMs: LEASE, workerId });

  function start(handle: JobHandler, extra: Partial<Parameters<typeof createRelayRunner>[0]> = {}) {
    const lines: { level: number; msg: string; code?: string }[] = [];
    const metrics = createMetrics();
    const runner = createRelayRunner({
      db: setup.db,
      handle,
      idleMs: 10,
      leaseMs: LEASE,
      now: () => clock,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      metrics,
      logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } }),
      ...extra,
    });
    setup.runner = runner;
    runner.start();
    return { runner, lines, metrics };
  }

  it('aborts an attempt whose lease another worker took over, and commits nothing of its late result', async () => {
    clock = T0;
    const job = await add('stolen');
    let seen: JobContext | undefined;
    const { runner, lines, metrics } = start(async (_row, ctx) => {
      seen = ctx;
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      // The late result of an attempt that no longer holds its job: must not be written.
      return {
        outcome: 'ok',
        effects: (trx: Kysely<Database>, now: number) =>
          enqueue(trx, { idempotencyKey: 'late-effect', kind: 'effect', payload: '{}' }, now).then(() => {}),
      };
    });
    await waitFor('the attempt running', () => seen !== undefined);
    // This worker stalled past its lease (as far as the other one can tell): the other worker takes the job over.
    const [taken] = await otherWorkerClaims(T0 + 10 * LEASE);
    expect(taken).toMatchObject({ id: job.id, attempts: 2, lostLeases: 1, leaseOwner: 'other' });

    await waitFor('the attempt aborted at the next renewal', () => seen?.signal.aborted);
    expect(seen?.signal.reason).toBeInstanceOf(RelayJobError);
    expect(seen?.signal.reason).toMatchObject({ code: 'lease_lost' });
    await waitFor('the attempt over', () => runner.inFlight() === 0);

    expect(await findJob(setup.db, job.id)).toMatchObject({
      status: 'leased',
      leaseOwner: 'other',
      attempts: 2,
      lostLeases: 1,
      lastError: null,
    });
    expect(await setup.db.selectFrom('outbox').select('id').where('kind', '=', 'effect').execute()).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(
      /relay_job_attempts_total\{kind="test.job",outcome="lease_lost"\} 1/,
    );
    // One warning about it, and nothing at error level.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'relay job lost its lease: attempt dropped')).toHaveLength(1);
  });

  it('keeps a job leased through heartbeats over three leases, so nobody else takes it and it runs once', async () => {
    clock = T0;
    const job = await add('slow');
    let runs = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runner } = start(async () => {
      runs += 1;
      await gate;
      return { outcome: 'ok' };
    });
    await waitFor('the attempt running', () => runs === 1);
    // Three leases' worth of the clock, a third at a time: after each step a renewal pushes the expiry again, and
    // another worker looking then finds nothing due.
    for (let step = 1; step <= 9; step++) {
      clock = T0 + (step * LEASE) / 3;
      await waitFor(
        `the lease renewed at step ${step}`,
        async () => (await findJob(setup.db, job.id))?.availableAt === clock + LEASE,
      );
      expect(await otherWorkerClaims(clock)).toEqual([]);
    }
    release();
    await waitFor('done', async () => (await findJob(setup.db, job.id))?.status === 'done');
    expect(runs).toBe(1);
    expect(await findJob(setup.db, job.id)).toMatchObject({ attempts: 1, lostLeases: 0 });
    await runner.stop();
  });

  it('runs a job taken over from dead workers a fifth time as its first attempt: they spent none of its budget', async () => {
    clock = T0;
    const job = await add('survivor');
    // Five workers, each dead holding it: a claim, then four takeovers once each lease ran out.
    for (let i = 0; i < 5; i++) await otherWorkerClaims(T0 + i * LEASE, `dead-${i}`);
    expect(await findJob(setup.db, job.id)).toMatchObject({ attempts: 5, lostLeases: 4 });
    clock = T0 + 5 * LEASE;
    const contexts: JobContext[] = [];
    start(async (_row, ctx) => {
      contexts.push(ctx);
      return { outcome: 'ok' };
    });
    await waitFor('done', async () => (await findJob(setup.db, job.id))?.status === 'done');
    // This claim is the fifth takeover (MAX_LOST_LEASES, still allowed) and the budget's first attempt.
    expect(contexts.map((c) => [c.attempt, c.lastAttempt])).toEqual([[1, false]]);
    expect(await findJob(setup.db, job.id)).toMatchObject({ attempts: 6, lostLeases: 5 });
  });

  it('dead-letters as worker_lost, without running it, a job whose lease was lost a sixth time', async () => {
    clock = T0;
    const job = await add('poison');
    // A claim and five takeovers by workers that died on it; this worker's claim is the sixth takeover.
    for (let i = 0; i < 6; i++) await otherWorkerClaims(T0 + i * LEASE, `dead-${i}`);
    clock = T0 + 6 * LEASE;
    const ran: string[] = [];
    const asked: string[] = [];
    const { metrics } = start(
      async (row) => {
        ran.push(row.idempotencyKey);
        return { outcome: 'ok' };
      },
      {
        deadEffects: async (_row, code) => {
          asked.push(code);
          return async (trx, now) => {
            const later = now + 3_600_000;
            await enqueue(
              trx,
              { idempotencyKey: 'dead-effect', kind: 'effect', payload: '{}', availableAt: later },
              now,
            );
          };
        },
      },
    );
    await waitFor('dead', async () => (await findJob(setup.db, job.id))?.status === 'dead');
    expect(ran).toEqual([]);
    expect(asked).toEqual(['worker_lost']);
    expect(await findJob(setup.db, job.id)).toMatchObject({ lastError: 'worker_lost', attempts: 7, lostLeases: 6 });
    const effects = await setup.db.selectFrom('outbox').select('idempotencyKey').where('kind', '=', 'effect').execute();
    expect(effects.map((e) => e.idempotencyKey)).toEqual(['dead-effect']);
    expect(await metrics.registry.metrics()).toMatch(/relay_job_attempts_total\{kind="test.job",outcome="dead"\} 1/);
  });

  /**
   * Two jobs: `blocker` ends at once with an effect that waits for `open()`, which holds the outbox committer's
   * transaction open (a statement stuck on a lock, say); `slow` runs until its attempt is aborted or `finish()`.
   */
  async function stuckCommitter(extra: Partial<Parameters<typeof createRelayRunner>[0]> = {}) {
    const blocker = await add('blocker');
    const slow = await add('slow');
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });

    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let committing = false;
    let slowCtx: JobContext | undefined;
    let slowRuns = 0;
    const started = start(async (row, ctx) => {
      if (row.id === blocker.id) {
        return {
          outcome: 'ok',
          effects: async () => {
            committing = true;
            await gate;
            committing = false;
          },
        };
      }
      slowRuns += 1;
      slowCtx = ctx;
      await Promise.race([finished, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))]);
      return { outcome: 'ok' };
    }, extra);
    await waitFor('the commit stuck and the slow job running', () => committing && slowCtx !== undefined);
    const unanswered = (orElse: () => boolean = () => false) =>
      waitFor(
        'a renewal left unanswered',
        () => orElse() || started.lines.some((l) => l.msg === 'relay lease renewal unanswered: sending the next one'),
        3000,
      );
    return {
      ...started,
      /** Runs `test`, then lets the commit and the slow job end whatever it found, so the runner can stop. */
      async check(test: () => Promise<void>) {
        try {
          await test();
        } finally {
          open();
          finish();
        }
      },
      blocker,
      slow,
      open,
      finish,
      slowCtx: () => slowCtx,
      slowRuns: () => slowRuns,
      committing: () => committing,
      unanswered,
    };
  }

  it('aborts an attempt as lease_lost once its known lease expiry nears with no renewal answered', async () => {
    clock = T0;
    const s = await stuckCommitter();
    await s.check(async () => {
      // Renewals are sent and go unanswered; the lease the claim stored (T0 + LEASE) is still far off.
      await s.unanswered();
      expect(s.slowCtx()?.signal.aborted).toBe(false);
      // Within a fifth of a lease of it, on the runner's clock: another instance may take the job over soon, so the
      // attempt stops now, although no renewal said the lease was lost.
      clock = T0 + LEASE - LEASE / 5;
      await waitFor('the attempt aborted', () => s.slowCtx()?.signal.aborted);
      expect(s.slowCtx()?.signal.reason).toMatchObject({ code: 'lease_lost' });
      s.open();
      await waitFor('the blocker done', async () => (await findJob(setup.db, s.blocker.id))?.status === 'done');
      await waitFor('the attempt over', () => s.runner.inFlight() === 0);
      // Nothing of the aborted attempt was committed; the job is left to whoever claims it once its lease ran out.
      expect(await findJob(setup.db, s.slow.id)).toMatchObject({ status: 'leased', attempts: 1, lastError: null });
      expect(await s.metrics.registry.metrics()).toMatch(
        /relay_job_attempts_total\{kind="test.job",outcome="lease_lost"\} 1/,
      );
      expect(s.lines.some((l) => l.msg === 'relay leases about to run out unrenewed')).toBe(true);
    });
  });

  it('renews through the outbox committer: no renewal runs while its transaction is open, and they resume after', async () => {
    clock = T0;
    // Every renewal statement (an UPDATE of outbox setting the expiry alone), and whether a commit was open then.
    const renewals: boolean[] = [];
    let stuck: (() => boolean) | undefined;
    const record: KyselyPlugin = {
      transformQuery({ node }) {
        if (isRenewal(node)) renewals.push(stuck?.() ?? false);
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const s = await stuckCommitter({ db: setup.db.withPlugin(record) });
    stuck = s.committing;
    await s.check(async () => {
      // A renewal sent beside the open transaction would show here at once.
      await s.unanswered(() => renewals.includes(true));
      expect(renewals).not.toContain(true);
      // The clock moves a third of a lease, not near the stored expiry: once the commit ends, renewals are answered.
      clock = T0 + LEASE / 3;
      s.open();
      await waitFor(
        'the lease renewed',
        async () => (await findJob(setup.db, s.slow.id))?.availableAt === clock + LEASE,
      );
      expect(s.slowCtx()?.signal.aborted).toBe(false);
      s.finish();
      await waitFor('done', async () => (await findJob(setup.db, s.slow.id))?.status === 'done');
      expect(s.slowRuns()).toBe(1);
      expect(renewals).not.toContain(true);
      expect(renewals.length).toBeGreaterThan(0);
    });
  });
});

/** An UPDATE of outbox that sets the lease expiry and nothing else but updated_at: a renewal. */
function isRenewal(node: RootOperationNode): boolean {
  if (node.kind !== 'UpdateQueryNode') return false;
  const columns = (node.updates ?? []).map((u) =>
    ColumnNode.is(u.column) ? u.column.column.name.replace(/_/g, '').toLowerCase() : '',
  );
  return columns.length === 2 && columns.includes('availableat') && columns.includes('updatedat');
}
