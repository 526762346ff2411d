import type { Kysely } from 'kysely';
import { holdHeldJob } from '../store/delivery-breaker-repo';
import { createGroupCommit, type GroupCommit } from '../store/group-commit';
import { lockJobKeys } from '../store/lock-job-keys';
import { claimDue, completeHeld, deadLetter, fail, type Lease, type OutboxJob, parkHeld } from '../store/outbox-repo';
import type { Database } from '../store/schema';
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
 */
/** Outcomes that take a job out of the live set, so change its key's head. */
const LEAVES_LIVE = new Set(['complete', 'dead', 'park']);

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
      const completing = requests.flatMap((r) =>
        r.type === 'finish' && r.decision.type === 'complete' ? [r.lease] : [],
      );
      const completed = await completeHeld(trx, completing, workerId, at);
      for (const [i, request] of requests.entries()) {
        if (request.type !== 'finish') continue;
        const { lease, decision, effects } = request;
        let held: boolean;
        if (decision.type === 'complete') held = completed.has(lease.id);
        else if (decision.type === 'park') held = await parkHeld(trx, lease, workerId, at);
        else if (decision.type === 'hold') {
          const hold = { workerId, until: decision.until, errorCode: decision.errorCode, now: at };
          held = await holdHeldJob(trx, lease, hold);
        } else if (decision.type === 'retry') {
          const retry = { workerId, nextAttemptAt: decision.nextAttemptAt, errorCode: decision.errorCode, now: at };
          held = await fail(trx, lease, retry);
        } else held = await deadLetter(trx, lease, { workerId, errorCode: decision.errorCode, now: at });
        if (held && effects && (decision.type === 'complete' || decision.type === 'dead')) await effects(trx, at);
        results[i] = { type: 'finish', held };
      }
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
