import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { type RetryPolicy, retryDelayMs } from '../amojo/with-retry';
import type { Logger } from '../server/create-logger';
import type { Metrics } from '../server/create-metrics';
import { countJobs, extendLease, type OutboxJob } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import { classifyJobError } from './classify-job-error';
import { type CommitRequest, createOutboxCommitter } from './create-outbox-committer';
import type { JobEffect } from './job-effect';
import { JOB_RETRY_POLICY } from './job-retry-policy';

export interface JobContext {
  /** 1 on the first attempt. */
  attempt: number;
  /** A failure now makes the job a dead letter. */
  lastAttempt: boolean;
}

export interface JobResult {
  /** Metric label: sent, duplicate, skipped… */
  outcome: string;
  effects?: JobEffect | undefined;
}

export type JobHandler = (job: OutboxJob, ctx: JobContext) => Promise<JobResult>;

export interface RelayRunnerOptions {
  db: Kysely<Database>;
  handle: JobHandler;
  workerId?: string;
  /** Jobs in flight at once, across ordering keys (default 128). */
  concurrency?: number;
  /**
   * How long a claimed job is ours; after a crash another worker takes it over once this passes (default 60 s).
   * Leases of jobs still running are renewed every third of it, so a slow job is never run twice.
   */
  leaseMs?: number;
  /** Poll interval when there is nothing to do and nobody calls notify() (default 250 ms). */
  idleMs?: number;
  retry?: RetryPolicy;
  /** Refresh of the queue depth gauge (default 15 s; 0 turns it off). */
  depthEveryMs?: number;
  now?: () => number;
  random?: () => number;
  metrics?: Pick<Metrics, 'jobAttempts' | 'deadLetters' | 'queueDepth'>;
  logger?: Logger;
}

export interface RelayRunner {
  readonly workerId: string;
  start(): void;
  /** Wakes the claim loop now (a job was just enqueued in this process). */
  notify(): void;
  /** Stops claiming, lets every job in flight finish and commits their outcomes. */
  stop(): Promise<void>;
  inFlight(): number;
}

/**
 * The outbox worker: claims due jobs in batches, runs them concurrently (claimDue hands out at most the oldest live
 * job of an ordering key, so one conversation stays in order), and ends them as done, retried with backoff, or
 * dead-lettered after the last attempt. Claims and outcomes share group-committed transactions (outbox committer).
 */
export function createRelayRunner(options: RelayRunnerOptions): RelayRunner {
  const { db, handle, logger, metrics } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 128;
  const leaseMs = options.leaseMs ?? 60_000;
  const idleMs = options.idleMs ?? 250;
  const retry = options.retry ?? JOB_RETRY_POLICY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const committer = createOutboxCommitter(db, { workerId, now });
  const running = new Set<Promise<void>>();
  const held = new Map<number, OutboxJob>();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let depthTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let woken = false;
  let wakeUp: (() => void) | undefined;

  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      wakeUp = done;
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
    });

  async function claimLoop() {
    while (!stopping) {
      const free = concurrency - running.size;
      if (free <= 0) {
        await nap(idleMs);
        woken = false;
        continue;
      }
      woken = false;
      let jobs: OutboxJob[];
      try {
        const claimed = await committer.append({ type: 'claim', limit: free, leaseMs });
        jobs = claimed.type === 'claim' ? claimed.jobs : [];
      } catch (error) {
        logger?.error({ err: error, workerId }, 'relay claim failed');
        await nap(idleMs);
        continue;
      }
      for (const job of jobs) {
        held.set(job.id, job);
        const run = runJob(job).finally(() => {
          held.delete(job.id);
          running.delete(run);
          wake();
        });
        running.add(run);
      }
      if (jobs.length < free) await nap(idleMs);
    }
  }

  async function runJob(job: OutboxJob) {
    const ctx: JobContext = { attempt: job.attempts, lastAttempt: job.attempts >= retry.maxAttempts };
    const lease = { id: job.id, attempts: job.attempts };
    let finish: CommitRequest;
    let outcome: string;
    try {
      const result = await handle(job, ctx);
      outcome = result.outcome;
      finish = { type: 'finish', lease, decision: { type: 'complete' }, effects: result.effects };
    } catch (error) {
      const failure = classifyJobError(error);
      const dead = !failure.retryable || ctx.lastAttempt;
      outcome = dead ? 'dead' : 'retry';
      finish = dead
        ? { type: 'finish', lease, decision: { type: 'dead', errorCode: failure.code }, effects: failure.onDead }
        : {
            type: 'finish',
            lease,
            decision: {
              type: 'retry',
              errorCode: failure.code,
              nextAttemptAt: now() + retryDelayMs(retry, job.attempts, random(), failure.retryAfterMs),
            },
          };
      const log = { jobId: job.id, kind: job.kind, code: failure.code, attempt: job.attempts };
      if (failure.code === 'internal_error') logger?.error({ ...log, err: error }, 'relay job failed');
      else logger?.warn(log, dead ? 'relay job dead-lettered' : 'relay job will be retried');
    }
    try {
      const ended = await committer.append(finish);
      if (ended.type === 'finish' && !ended.held) outcome = 'lease_lost';
    } catch (error) {
      // The job stays leased; once the lease runs out it is claimed again and re-run idempotently.
      logger?.error({ err: error, jobId: job.id, kind: job.kind }, 'relay job outcome not stored');
      outcome = 'unfinished';
    }
    metrics?.jobAttempts.inc({ kind: job.kind, outcome });
    if (outcome === 'dead') metrics?.deadLetters.inc({ kind: job.kind });
  }

  // One transaction for all renewals: one fsync, whatever the number of jobs in flight.
  async function renewLeases() {
    if (held.size === 0) return;
    const at = now();
    try {
      await db.transaction().execute(async (trx) => {
        for (const job of held.values()) await extendLease(trx, job, { workerId, until: at + leaseMs, now: at });
      });
    } catch (error) {
      logger?.warn({ err: error, workerId }, 'relay leases not renewed');
    }
  }

  async function refreshDepth() {
    try {
      const counts = await countJobs(db);
      for (const [status, count] of Object.entries(counts)) metrics?.queueDepth.set({ status }, count);
    } catch (error) {
      logger?.warn({ err: error }, 'relay queue depth not refreshed');
    }
  }

  return {
    workerId,
    start() {
      if (loop || stopping) return;
      loop = claimLoop();
      renewTimer = setInterval(() => void renewLeases(), Math.max(5, Math.floor(leaseMs / 3)));
      renewTimer.unref();
      const every = options.depthEveryMs ?? 15_000;
      if (metrics && every > 0) {
        depthTimer = setInterval(() => void refreshDepth(), every);
        depthTimer.unref();
      }
    },
    notify: wake,
    async stop() {
      stopping = true;
      wake();
      if (depthTimer) clearInterval(depthTimer);
      await loop;
      while (running.size > 0) await Promise.all([...running]);
      if (renewTimer) clearInterval(renewTimer);
      await committer.close();
    },
    inFlight: () => running.size,
  };
}
