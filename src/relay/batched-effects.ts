import { type JobEffectWrites, writeJobEffects } from '../store/write-job-effects';
import type { JobEffect } from './job-effect';

/** A job's effects made only of writes that the outbox committer merges with the other jobs' of its batch. */
export type BatchedEffects = JobEffect & { readonly writes: JobEffectWrites };

/**
 * Effects the outbox committer writes together with the same writes of every other job it finishes in the batch,
 * one statement per table for all of them (writeJobEffects): the hot path's effects, which otherwise cost a round
 * trip to PostgreSQL per job and table in the one transaction at a time the committer runs. Run as a plain JobEffect
 * (by a test, or inside combineEffects), it writes this job's alone, with the same outcome.
 */
export function batchedEffects(writes: JobEffectWrites): BatchedEffects {
  const run: JobEffect = (trx, now) => writeJobEffects(trx, [writes], now);
  return Object.assign(run, { writes });
}
