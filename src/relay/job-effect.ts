import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';

/**
 * Database writes a job makes when it finishes, run in the same transaction that completes (or dead-letters) the
 * job, and only if this worker still holds its lease. So "amojo accepted the message" and "we stored amojo's id and
 * marked the job done" commit together or not at all.
 */
export type JobEffect = (trx: Kysely<Database>, now: number) => Promise<void>;

/** Runs effects one after another; undefined entries are skipped. */
export function combineEffects(...effects: (JobEffect | undefined)[]): JobEffect | undefined {
  const present = effects.filter((e): e is JobEffect => e !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return async (trx, now) => {
    for (const effect of present) await effect(trx, now);
  };
}
