import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { RetryPolicy } from '../http/with-retry';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import { countJobs, type OutboxJob } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import { classifyJobError } from './classify-job-error';
import { type CommitRequest, createOutboxCommitter } from './create-outbox-committer';
import { failureDecision } from './failure-decision';
import type { JobContext, JobHandler } from './job-handler';
import { JOB_RETRY_POLICY } from './job-retry-policy';
import { RelayJobError } from './relay-job-error';
import { renewLeases } from './renew-leases';

export type { JobContext, JobHandler, JobResult } from './job-handler';

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
  /**
   * When the claim loop last went round (ms, the runner's clock), or undefined when it is not running: a loop that
   * stopped turning (stuck on a lock, say) shows as a time that no longer moves, which /readyz reports.
   */
  lastTurnAt(): number | undefined;
}

/** Longest a claim waits for a running job to end so that both share one commit. */
const CLAIM_DEFER_MS = 10;

const attemptOf = (ctx: JobContext) => ({ number: ctx.attempt, last: ctx.lastAttempt });

/**
 * The outbox worker: claims due jobs in batches, runs them concurrently (a claim hands out at most the oldest live
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
  // Jobs whose handler has not returned: what `concurrency` limits. A job only waiting for its outcome to commit
  // frees its slot, so the claim that refills it joins the outcome's group-committed transaction (one commit for
  // both) instead of waiting for that commit and paying a transaction of its own.
  let working = 0;
  // A handler returned since the last claim: its outcome is about to be appended to the committer.
  let ended = false;
  const minClaim = Math.max(1, Math.floor(concurrency / 8));
  const held = new Map<number, OutboxJob>();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let lastTurnAt: number | undefined;
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
    let deferredAt: number | undefined;
    while (!stopping) {
      lastTurnAt = now();
      const free = concurrency - working;
      if (free <= 0) {
        await nap(idleMs);
        woken = false;
        continue;
      }
      // While jobs run, a claim waits (at most CLAIM_DEFER_MS) for one of them to end rather than going on every
      // notify(): it then rides in the transaction that commits that job's outcome instead of paying a commit of
      // its own. A busy worker also refills in batches, as each claim costs a query whatever its size.
      if (working > 0 && (!ended || free < minClaim)) {
        deferredAt ??= performance.now();
        const left = CLAIM_DEFER_MS - (performance.now() - deferredAt);
        if (left > 0) {
          await nap(left);
          woken = false;
          continue;
        }
      }
      woken = false;
      ended = false;
      deferredAt = undefined;
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
    working += 1;
    try {
      // Claimed more often than it may run, yet its last attempt never reported: a worker died on it every time (a
      // crash, an out-of-memory kill). Running it again would only take the next worker down with it.
      if (job.attempts > retry.maxAttempts) throw new RelayJobError('attempts_exhausted', { retryable: false });
      const result = await handle(job, ctx);
      outcome = result.outcome;
      finish = { type: 'finish', lease, decision: { type: 'complete' }, effects: result.effects };
    } catch (error) {
      const failure = classifyJobError(error);
      const decision = failureDecision(failure, attemptOf(ctx), retry, now(), random());
      outcome = decision.type === 'dead' ? 'dead' : 'retry';
      finish = { type: 'finish', lease, decision, effects: decision.type === 'dead' ? failure.onDead : undefined };
      const log = { jobId: job.id, kind: job.kind, code: failure.code, attempt: job.attempts };
      if (failure.code === 'internal_error') logger?.error({ ...log, err: error }, 'relay job failed');
      else logger?.warn(log, outcome === 'dead' ? 'relay job dead-lettered' : 'relay job will be retried');
    } finally {
      working -= 1;
      ended = true;
      wake();
    }
    try {
      const ended = await committer.append(finish);
      if (ended.type === 'finish' && !ended.held) outcome = 'lease_lost';
    } catch (error) {
      logger?.error({ err: error, jobId: job.id, kind: job.kind }, 'relay job outcome not stored');
      outcome = await endWithoutEffects(finish, ctx);
    }
    metrics?.jobAttempts.inc({ kind: job.kind, outcome });
    if (outcome === 'dead') metrics?.deadLetters.inc({ kind: job.kind });
  }

  /**
   * The job's effects could not be written (a bug or a constraint): end it as a failed attempt instead, so a poison
   * effect becomes a dead letter after the last attempt rather than a job re-run forever at every lease expiry.
   * If even that fails, the job stays leased and is claimed again once the lease runs out.
   */
  async function endWithoutEffects(finish: CommitRequest, ctx: JobContext): Promise<string> {
    if (finish.type !== 'finish' || finish.effects === undefined) return 'unfinished';
    const failure = { code: 'effects_failed', retryable: true, retryAfterMs: undefined };
    const decision = failureDecision(failure, attemptOf(ctx), retry, now(), random());
    try {
      await committer.append({ type: 'finish', lease: finish.lease, decision });
      return decision.type === 'dead' ? 'dead' : 'retry';
    } catch {
      return 'unfinished';
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
      const renew = () =>
        renewLeases(db, held.values(), { workerId, leaseMs, now: now() }).catch((error) =>
          logger?.warn({ err: error, workerId }, 'relay leases not renewed'),
        );
      renewTimer = setInterval(() => void (held.size > 0 && renew()), Math.max(5, Math.floor(leaseMs / 3)));
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
      lastTurnAt = undefined;
      while (running.size > 0) await Promise.all([...running]);
      if (renewTimer) clearInterval(renewTimer);
      await committer.close();
    },
    inFlight: () => running.size,
    lastTurnAt: () => lastTurnAt,
  };
}
