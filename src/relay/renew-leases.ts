import type { Kysely } from 'kysely';
import { extendLease, type Lease } from '../store/outbox-repo';
import type { Database } from '../store/schema';

/** Pushes the leases of jobs still running to `now + leaseMs`, all in one transaction (one fsync). */
export async function renewLeases(
  db: Kysely<Database>,
  leases: Iterable<Lease>,
  options: { workerId: string; leaseMs: number; now: number },
): Promise<void> {
  const { workerId, leaseMs, now } = options;
  await db.transaction().execute(async (trx) => {
    for (const lease of leases) await extendLease(trx, lease, { workerId, until: now + leaseMs, now });
  });
}
