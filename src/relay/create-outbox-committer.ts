import type { Kysely } from 'kysely';
import { holdHeldJob } from '../store/delivery-breaker-repo';
import { finishHeldJobs, type HeldJobEnd } from '../store/finish-held-jobs';
import { createGroupCommit, type GroupCommit } from '../store/group-commit';
import { lockJobKeys } from '../store/lock-job-keys';
import { claimDue, type Lease, type OutboxJob, parkHeld } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import { type JobEffectWrites, writeJobEffects } from '../store/write-job-effects';
import type { BatchedEffects } from './batched-effects';
import type { JobEffect } from './job-effect';
import { renewLeases } from './renew-leases';

export type JobDecision =
  | { type: 'complete' }
  | { type: 'retry'; nextAttemptAt: number; errorCode: string }
  | { type: 'dead'; errorCode: string }
  /** Its link is parked (installation removed): back with the link's other parked jobs, the attempt not counted. */
  | { type: 'park' }
  /** Held back untried (its link's delivery breaker is open): due at `until`, the attempt not counted. */
  | { type: 'hold'; until: number; errorCode: string };

export type CommitRequest =
  | { type: 'finish'; lease: Lease; decision: JobDecision; effects?: JobEffect | undefined }
  | { type: 'claim'; limit: number; leaseMs: number; linkCap?: number | undefined }
  /** Pushes the leases still held among `leases` to the transaction's time + leaseMs (renewLeases). */
  | { type: 'renew'; leases: readonly Lease[]; leaseMs: number };

export type CommitResult =
  | { type: 'finish'; held: boolean }
  | { type: 'claim'; jobs: OutboxJob[] }
  /** The ids renewed, and the expiry now stored for each of them. */
  | { type: 'renew'; renewed: Set<number>; until: number };

/** Outcomes that take a job out of the live set, so change its key's head. */
const LEAVES_LIVE = new Set(['complete', 'dead', 'park']);

/** How a finish ends its job in finishHeldJobs; parked and held jobs go their own ways. */
function endOf(request: Extract<CommitRequest, { type: 'finish' }>): HeldJobEnd[] {
  const { lease, decision } = request;
  if (decision.type === 'complete') return [{ lease, status: 'done' }];
  if (decision.type === 'retry') {
    return [{ lease, status: 'pending', nextAttemptAt: decision.nextAttemptAt, errorCode: decision.errorCode }];
  }
  if (decision.type === 'dead') return [{ lease, status: 'dead', errorCode: decision.errorCode }];
  return [];
}

/**
 * The worker's writes to the outbox, group-committed: jobs that finished and the next claim share one transaction,
 * so one fsync (SQLite) or one commit round trip (PostgreSQL) serves a whole turn of the worker. A finished job first
 * proves it still holds its lease, and only then are its effects written. Claims run after the batch's finishes, so
 * the next message of a conversation whose job just ended can be claimed in the same transaction.
 *
 * Lease renewals go through here too, never beside it: a renewal's multi-row UPDATE running on its own connection
 * while this transaction holds some of the same rows could deadlock with it on PostgreSQL (each locking in its own
 * order), and a commit chosen as the victim loses finished jobs' outcomes. Here one transaction runs at a time. A
 * renewal goes first in its batch (one UPDATE, before any effect), and a batch takes every request waiting
 * (`maxBatch` is unbounded: the runner never has more than its concurrency's outcomes, one claim and a few renewals
 * queued), so a renewal waits at most for the transaction already running, never behind a queue of them.
 *
 * On PostgreSQL every statement here is a round trip, and the transactions run one at a time, so the statements of a
 * batch do not grow with its jobs: one takes the keys' locks, one ends every completed, retried or dead-lettered job
 * and one recomputes their keys' heads (finishHeldJobs), one writes the batched effects of all of them
 * (writeJobEffects), then the claim. Only parked and held jobs, and effects that are not batched, cost a statement
 * or more each.
 */
export function createOutboxCommitter(
  db: Kysely<Database>,
  options: { workerId: string; now: () => number },
): GroupCommit<CommitRequest, CommitResult> {
  const { workerId, now } = options;
  return createGroupCommit<CommitRequest, CommitResult>(
    db,
    async (trx, requests) => {
      const at = now();
      const results: CommitResult[] = new Array(requests.length);
      // Every key whose jobs leave the live set here is locked first, in one ordered call, before any row is written.
      await lockJobKeys(
        trx,
        requests.flatMap((r) => (r.type === 'finish' && LEAVES_LIVE.has(r.decision.type) ? [r.lease.id] : [])),
      );
      for (const [i, request] of requests.entries()) {
        if (request.type !== 'renew') continue;
        const until = at + request.leaseMs;
        const renewed = await renewLeases(trx, request.leases, { workerId, leaseMs: request.leaseMs, now: at });
        results[i] = { type: 'renew', renewed, until };
      }
      // Completed, retried and dead-lettered jobs end in one statement (and one recompute of their keys' heads).
      const ends = requests.flatMap((r) => (r.type === 'finish' ? endOf(r) : []));
      const ended = await finishHeldJobs(trx, ends, { workerId, now: at, keysLocked: true });
      const writes: JobEffectWrites[] = [];
      // One outcome per attempt: a second finish of the same attempt in a batch is not held, so its effects are never
      // written twice (the runner sends one per attempt; this keeps that true whatever a caller sends).
      const finished = new Set<string>();
      for (const [i, request] of requests.entries()) {
        if (request.type !== 'finish') continue;
        const { lease, decision, effects } = request;
        const attempt = `${lease.id}:${lease.attempts}`;
        if (finished.has(attempt)) {
          results[i] = { type: 'finish', held: false };
          continue;
        }
        finished.add(attempt);
        let held: boolean;
        if (decision.type === 'park') held = await parkHeld(trx, lease, workerId, at);
        else if (decision.type === 'hold') {
          const hold = { workerId, until: decision.until, errorCode: decision.errorCode, now: at };
          held = await holdHeldJob(trx, lease, hold);
        } else held = ended.get(lease.id) === lease.attempts;
        if (held && effects && (decision.type === 'complete' || decision.type === 'dead')) {
          // Batched effects are merged with the batch's others and written once, after every job's own effects: the
          // jobs of one batch ran side by side, so any order of their effects is one they could have committed in.
          const batched = (effects as Partial<BatchedEffects>).writes;
          if (batched) writes.push(batched);
          else await effects(trx, at);
        }
        results[i] = { type: 'finish', held };
      }
      await writeJobEffects(trx, writes, at);
      for (const [i, request] of requests.entries()) {
        if (request.type !== 'claim') continue;
        const { limit, leaseMs, linkCap } = request;
        const jobs = await claimDue(trx, {
          now: at,
          limit,
          leaseMs,
          workerId,
          ...(linkCap === undefined ? {} : { linkCap }),
        });
        results[i] = { type: 'claim', jobs };
      }
      return results;
    },
    { maxBatch: Number.POSITIVE_INFINITY, maxDelayMs: 0 },
  );
}
