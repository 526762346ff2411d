import type { Kysely } from 'kysely';
import { holdHeldJob } from '../store/delivery-breaker-repo';
import { createGroupCommit, type GroupCommit } from '../store/group-commit';
import { claimDue, completeHeld, deadLetter, fail, type Lease, type OutboxJob, parkHeld } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import type { JobEffect } from './job-effect';

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
  | { type: 'claim'; limit: number; leaseMs: number; linkCap?: number | undefined };

export type CommitResult = { type: 'finish'; held: boolean } | { type: 'claim'; jobs: OutboxJob[] };

/**
 * The worker's writes to the outbox, group-committed: jobs that finished and the next claim share one transaction,
 * so one fsync (SQLite) or one commit round trip (PostgreSQL) serves a whole turn of the worker. A finished job first
 * proves it still holds its lease, and only then are its effects written. Claims run after the batch's finishes, so
 * the next message of a conversation whose job just ended can be claimed in the same transaction.
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
      const completing = requests.flatMap((r) =>
        r.type === 'finish' && r.decision.type === 'complete' ? [r.lease] : [],
      );
      const completed = await completeHeld(trx, completing, workerId, at);
      const results: CommitResult[] = new Array(requests.length);
      for (const [i, request] of requests.entries()) {
        if (request.type === 'claim') continue;
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
    { maxBatch: 512, maxDelayMs: 0 },
  );
}
