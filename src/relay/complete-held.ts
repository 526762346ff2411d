import type { Kysely } from 'kysely';
import type { Lease } from '../store/outbox-repo';
import type { Database } from '../store/schema';

// Keeps each statement's parameter list short (SQLite's default limit is 32766 variables).
const CHUNK = 500;

/**
 * Marks many jobs done in a few statements and returns the ids this worker still held. The attempt count fences
 * out a lease that expired and was claimed again, exactly like outbox-repo's complete(), which reports only a count.
 */
export async function completeHeld(
  trx: Kysely<Database>,
  leases: readonly Lease[],
  workerId: string,
  now: number,
): Promise<Set<number>> {
  const done = new Set<number>();
  for (let i = 0; i < leases.length; i += CHUNK) {
    const chunk = leases.slice(i, i + CHUNK);
    const rows = await trx
      .updateTable('outbox')
      .set({ status: 'done', leaseOwner: null, completedAt: now, updatedAt: now })
      // `id in` lets SQLite look rows up by key; the (id, attempts) pairs then fence each one.
      .where(
        'id',
        'in',
        chunk.map((l) => l.id),
      )
      .where((eb) =>
        eb(
          eb.refTuple('id', 'attempts'),
          'in',
          chunk.map((l) => eb.tuple(l.id, l.attempts)),
        ),
      )
      .where('status', '=', 'leased')
      .where('leaseOwner', '=', workerId)
      .returning('id')
      .execute();
    for (const row of rows) done.add(row.id);
  }
  return done;
}
