import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { RetryPolicy } from '../http/with-retry';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import { countOpenDeliveryBreakers } from '../store/delivery-breaker-repo';
import { dialectOf } from '../store/dialect-of';
import { countJobs, type OutboxJob } from '../store/outbox-repo';
import { repairHeadlessKeys } from '../store/repair-headless-keys';
import type { Database } from '../store/schema';
import { createOutboxCommitter } from './create-outbox-committer';
import { createWaker } from './create-waker';
import type { JobEffect } from './job-effect';
import type { JobHandler } from './job-handler';
import { JOB_RETRY_POLICY } from './job-retry-policy';
import { RelayJobError } from './relay-job-error';
import { LEASE_LOST, runClaimedJob } from './run-claimed-job';

export type { JobContext, JobHandler, JobResult } from './job-handler';

export interface RelayRunnerOptions {
  db: Kysely<Database>;
  handle: JobHandler;
  workerId?: string;
  /** Jobs in flight at once, across ordering keys (default 128). */
  concurrency?: number;
  /**
   * Jobs of one link in flight at once, across all workers (default DEFAULT_LINK_CAP, 16): a link with a deep
   * backlog or a slow webhook holds at most that many slots, and the claim serves links round-robin (claimDue).
   */
  linkCap?: number;
  /**
   * How long a claimed job is ours; after a crash another worker takes it over once this passes (default
   * DEFAULT_LEASE_MS, 10 s). Leases of jobs still running are renewed every third of it, so a slow job is never run
   * twice; a job whose renewal finds the lease gone (the worker stalled past it and another took the job over), or
   * whose last stored expiry comes within a fifth of a lease with no renewal answered, has its attempt aborted as
   * `lease_lost`.
   */
  leaseMs?: number;
  /** Poll interval when there is nothing to do and nobody calls notify() (default 250 ms). */
  idleMs?: number;
  /** Default JOB_RETRY_POLICY: a few minutes of backoff at most, as a job holds its ordering key meanwhile. */
  retry?: RetryPolicy;
  /**
   * How long one attempt may run, for every job or per job (default DEFAULT_JOB_DEADLINE_MS, 60 s): past it the
   * attempt is aborted and counts as a retryable `job_deadline` failure (runClaimedJob).
   */
  deadlineMs?: number | ((job: OutboxJob) => number);
  /** A dead letter's effects when its handler never said them (runClaimedJob's ClaimedJobDeps.deadEffects). */
  deadEffects?: (job: OutboxJob, code: string) => Promise<JobEffect | undefined>;
  /** Refresh of the queue depth and open delivery breakers gauges (default 15 s; 0 turns it off). */
  depthEveryMs?: number;
  /**
   * How often ordering keys left without a head are repaired (repairHeadlessKeys; default 60 s, on PostgreSQL only,
   * where several processes, possibly of different versions during a rolling deploy, share the queue; 0 turns it off).
   * Start-up repairs once on every database (startBackend).
   */
  repairHeadsEveryMs?: number;
  now?: () => number;
  random?: () => number;
  metrics?: Pick<Metrics, 'jobAttempts' | 'deadLetters' | 'queueDepth'> &
    Partial<Pick<Metrics, 'deliveryBreakersOpen'>>;
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

/**
 * One attempt of a job, everything included: longer than any single call it makes (amojo 10 s, a delivery 5 s, a
 * media download 25 s), so only an attempt that strings several slow calls together, or a call that ignores its
 * own timeout, reaches it. Without it a slow drip could hold a conversation's ordering key for many minutes.
 */
export const DEFAULT_JOB_DEADLINE_MS = 60_000;

/**
 * How long a claimed job is a worker's before another may take it over: what a crash costs the jobs it held, so
 * short (issue 14, "Recovery in seconds"). Renewed every third of it in one statement, so a live worker's lease
 * runs out only when it stalls (or cannot reach the database) for two renewals in a row, about 6.7 s.
 */
export const DEFAULT_LEASE_MS = 10_000;

/**
 * An attempt stops this long (a fraction of the lease) before the expiry last known to be stored, unless a renewal
 * pushed it further meanwhile: another instance may take the job over at that expiry, on its own clock, and the
 * attempt must be over by then, or the job is run twice. What is left of it after the check's granularity (a
 * twentieth of the lease) is how far ahead of ours another instance's clock may be: about 1.5 s of a 10 s lease.
 */
const EXPIRY_MARGIN = 1 / 5;
const EXPIRY_CHECKS_PER_LEASE = 20;
/**
 * A renewal unanswered after a third of a lease (the committer stuck on a statement) stops being waited for, so the
 * next one is sent on time; its answer still counts if it comes.
 */
const RENEWAL_TIMEOUT = 1 / 3;

/** Longest a claim waits for a running job to end so that both share one commit. */
const CLAIM_DEFER_MS = 10;

/**
 * The outbox worker: claims due jobs in batches, runs them concurrently (a claim hands out at most the oldest live
 * job of an ordering key, so one conversation stays in order, and takes links round-robin, at most `linkCap` jobs
 * of one link in flight), and ends them as done, retried with backoff, or dead-lettered after the last attempt
 * (runClaimedJob). Claims and outcomes share group-committed transactions (outbox committer).
 */
export function createRelayRunner(options: RelayRunnerOptions): RelayRunner {
  const { db, logger, metrics } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 128;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const idleMs = options.idleMs ?? 250;
  const now = options.now ?? Date.now;
  const committer = createOutboxCommitter(db, { workerId, now });
  const deadline = options.deadlineMs ?? DEFAULT_JOB_DEADLINE_MS;
  const jobDeps = {
    handle: options.handle,
    committer,
    retry: options.retry ?? JOB_RETRY_POLICY,
    now,
    random: options.random ?? Math.random,
    deadlineMs: typeof deadline === 'number' ? () => deadline : deadline,
    deadEffects: options.deadEffects,
    metrics,
    logger,
  };
  const waker = createWaker();
  const minClaim = Math.max(1, Math.floor(concurrency / 8));
  // Jobs claimed and not yet ended: what stop() waits for. `held` is what the lease renewal extends, each job with
  // the controller that aborts its attempt once its lease is found lost, and the lease expiry we know is stored
  // (the claim's, then each answered renewal's): never later than the stored one, which only renewals move.
  const running = new Set<Promise<void>>();
  const held = new Map<number, Held>();
  let renewing = false;
  // Jobs whose handler has not returned: what `concurrency` limits. A job only waiting for its outcome to commit
  // frees its slot, so the claim that refills it joins the outcome's group-committed transaction (one commit for
  // both) instead of waiting for that commit and paying a transaction of its own.
  let working = 0;
  // A handler returned since the last claim: its outcome is about to be appended to the committer.
  let ended = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let lastTurnAt: number | undefined;
  let depthTimer: NodeJS.Timeout | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;

  async function claimLoop() {
    let deferredAt: number | undefined;
    while (!stopping) {
      lastTurnAt = now();
      const free = concurrency - working;
      if (free <= 0) {
        await waker.sleep(idleMs);
        waker.clear();
        continue;
      }
      // While jobs run, a claim waits (at most CLAIM_DEFER_MS) for one of them to end rather than going on every
      // notify(): it then rides in the transaction that commits that job's outcome instead of paying a commit of
      // its own. A busy worker also refills in batches, as each claim costs a query whatever its size.
      if (working > 0 && (!ended || free < minClaim)) {
        deferredAt ??= performance.now();
        const left = CLAIM_DEFER_MS - (performance.now() - deferredAt);
        if (left > 0) {
          await waker.sleep(left);
          waker.clear();
          continue;
        }
      }
      waker.clear();
      ended = false;
      deferredAt = undefined;
      let jobs: OutboxJob[];
      try {
        const claimed = await committer.append({ type: 'claim', limit: free, leaseMs, linkCap: options.linkCap });
        jobs = claimed.type === 'claim' ? claimed.jobs : [];
      } catch (error) {
        logger?.error({ err: error, workerId }, 'relay claim failed');
        await waker.sleep(idleMs);
        continue;
      }
      for (const job of jobs) startJob(job);
      if (jobs.length < free) await waker.sleep(idleMs);
    }
  }

  function startJob(job: OutboxJob) {
    // This very worker took over its own job: the lease ran out while the earlier attempt stalled, which must stop.
    held.get(job.id)?.lost.abort(new RelayJobError(LEASE_LOST, { retryable: true }));
    // The claim stored `availableAt` as the lease's expiry (its transaction's time + leaseMs).
    const entry: Held = { job, lost: new AbortController(), expiresAt: job.availableAt };
    held.set(job.id, entry);
    working += 1;
    const handled = () => {
      working -= 1;
      ended = true;
      waker.wake();
    };
    const run = runClaimedJob(job, jobDeps, handled, entry.lost.signal).finally(() => {
      if (held.get(job.id) === entry) held.delete(job.id);
      running.delete(run);
      waker.wake();
    });
    running.add(run);
  }

  /**
   * Renews every held lease in one statement, through the committer (never beside its transaction); a job left out
   * lost its lease, and its attempt is aborted. One that ended meanwhile is left out too (done, or back to pending),
   * but its attempt is over and the abort does nothing. A renewal that fails aborts nothing by itself: the leases may
   * well hold; checkExpiries stops the attempts whose stored expiry nears with none answered. One that takes longer
   * than RENEWAL_TIMEOUT of a lease is no longer waited for, so a stuck statement cannot stop every later renewal;
   * its answer, if it comes, is still applied (the committer runs renewals in order, so it is never stale).
   */
  function renew() {
    if (renewing || held.size === 0) return;
    renewing = true;
    const entries = [...held.values()];
    let timer: NodeJS.Timeout | undefined;
    const answered = committer
      .append({ type: 'renew', leases: entries.map((e) => e.job), leaseMs })
      .then((result) => {
        if (result.type === 'renew') applyRenewal(entries, result.renewed, result.until);
      })
      .catch((error: unknown) => logger?.warn({ err: error, workerId }, 'relay leases not renewed'));
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(
        () => {
          logger?.warn({ workerId, held: entries.length }, 'relay lease renewal unanswered: sending the next one');
          resolve();
        },
        Math.max(1, Math.floor(leaseMs * RENEWAL_TIMEOUT)),
      );
    });
    void Promise.race([answered, timedOut]).finally(() => {
      clearTimeout(timer);
      renewing = false;
    });
  }

  function applyRenewal(entries: readonly Held[], renewed: ReadonlySet<number>, until: number) {
    for (const entry of entries) {
      if (held.get(entry.job.id) !== entry) continue;
      if (renewed.has(entry.job.id)) entry.expiresAt = Math.max(entry.expiresAt, until);
      else entry.lost.abort(new RelayJobError(LEASE_LOST, { retryable: true }));
    }
  }

  /**
   * Aborts every attempt whose known lease expiry is within EXPIRY_MARGIN of a lease from now: renewals failed
   * (the database out of reach) or hung for most of a lease, and another instance may take the job over at that
   * expiry whether or not we heard of it.
   */
  function checkExpiries() {
    const stopAt = now() + leaseMs * EXPIRY_MARGIN;
    const stopped: number[] = [];
    for (const entry of held.values()) {
      if (entry.expiresAt > stopAt || entry.lost.signal.aborted) continue;
      stopped.push(entry.job.id);
      entry.lost.abort(new RelayJobError(LEASE_LOST, { retryable: true }));
    }
    if (stopped.length > 0) logger?.warn({ workerId, jobIds: stopped }, 'relay leases about to run out unrenewed');
  }

  return {
    workerId,
    start() {
      if (loop || stopping) return;
      loop = claimLoop();
      renewTimer = setInterval(renew, Math.max(5, Math.floor(leaseMs / 3)));
      renewTimer.unref();
      expiryTimer = setInterval(checkExpiries, Math.max(5, Math.floor(leaseMs / EXPIRY_CHECKS_PER_LEASE)));
      expiryTimer.unref();
      const every = options.depthEveryMs ?? 15_000;
      if (metrics && every > 0) {
        depthTimer = setInterval(() => void refreshDepth(db, metrics, logger), every);
        depthTimer.unref();
      }
      const repairEvery = options.repairHeadsEveryMs ?? 60_000;
      if (repairEvery > 0 && dialectOf(db) === 'postgres') {
        repairTimer = setInterval(() => void repairHeads(db, logger), repairEvery);
        repairTimer.unref();
      }
    },
    notify: () => waker.wake(),
    async stop() {
      stopping = true;
      // Ends the claim loop's sleep, and any later one: nothing clears the wake before the loop sees `stopping`.
      waker.wake();
      if (depthTimer) clearInterval(depthTimer);
      if (repairTimer) clearInterval(repairTimer);
      await loop;
      lastTurnAt = undefined;
      while (running.size > 0) await Promise.all([...running]);
      if (renewTimer) clearInterval(renewTimer);
      if (expiryTimer) clearInterval(expiryTimer);
      await committer.close();
    },
    inFlight: () => running.size,
    lastTurnAt: () => lastTurnAt,
  };
}

interface Held {
  job: OutboxJob;
  lost: AbortController;
  /** The lease expiry known to be stored (ms, the runner's clock). */
  expiresAt: number;
}

async function refreshDepth(
  db: Kysely<Database>,
  metrics: Pick<Metrics, 'queueDepth'> & Partial<Pick<Metrics, 'deliveryBreakersOpen'>>,
  logger: Logger | undefined,
) {
  try {
    // Done jobs are left out: counting them grows with the retained table (a scan every 15 s), and a finished job
    // says nothing about a queue's depth.
    const counts = await countJobs(db, { done: false });
    for (const [status, count] of Object.entries(counts)) metrics.queueDepth.set({ status }, count);
    // Set where a breaker opens or closes too; this keeps an instance that saw neither in step with the store.
    metrics.deliveryBreakersOpen?.set(await countOpenDeliveryBreakers(db));
  } catch (error) {
    logger?.warn({ err: error }, 'relay queue depth not refreshed');
  }
}

async function repairHeads(db: Kysely<Database>, logger: Logger | undefined) {
  try {
    const repaired = await repairHeadlessKeys(db);
    if (repaired > 0)
      logger?.warn({ keys: repaired }, 'ordering keys without a head repaired (a process of an older version?)');
  } catch (error) {
    logger?.warn({ err: error }, 'ordering keys not checked for a head');
  }
}
