import type { Kysely } from 'kysely';
import { type Lease, renewHeld } from '../store/outbox-repo';
import type { Database } from '../store/schema';

/**
 * Pushes the leases of jobs still running to `now + leaseMs` in one statement (per 500 jobs) and returns the ids
 * renewed; a job left out has lost its lease, and its attempt should stop.
 */
export async function renewLeases(
  db: Kysely<Database>,
  leases: Iterable<Lease>,
  options: { workerId: string; leaseMs: number; now: number },
): Promise<Set<number>> {
  const { workerId, leaseMs, now } = options;
  return renewHeld(db, [...leases], { workerId, until: now + leaseMs, now });
}
