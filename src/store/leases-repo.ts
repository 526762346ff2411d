import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/**
 * A named lock held by `owner` until `expiresAt`. `counter` grows on every acquisition, so it tells one holding apart
 * from the next even when the same owner acquires again: a holder that outlived its lease cannot release the next.
 */
export interface NamedLease {
  name: string;
  owner: string;
  counter: number;
  expiresAt: number;
}

/**
 * Takes the lease `name` for `ttlMs` when it is free, expired, or already `owner`'s (then it is extended and its
 * counter moves on); undefined while another owner holds it. One upsert, so two processes (or two pools) asking at
 * once get one answer each and exactly one of them the lease, on SQLite and PostgreSQL alike. Expiry is judged by
 * the caller's clock: keep `ttlMs` well above the clock skew between instances.
 */
export async function acquireLease(
  db: Kysely<Database>,
  request: { name: string; owner: string; ttlMs: number; now: number },
): Promise<NamedLease | undefined> {
  const { name, owner, now } = request;
  const expiresAt = now + request.ttlMs;
  const row = await db
    .insertInto('leases')
    .values({ name, owner, counter: 1, expiresAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, counter: sql<number>`leases.counter + 1`, expiresAt })
        .where((eb) => eb.or([eb('leases.expiresAt', '<=', now), eb('leases.owner', '=', owner)])),
    )
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : { ...row, counter: Number(row.counter), expiresAt: Number(row.expiresAt) };
}

/**
 * Frees a lease at once, only while it is still this holding (owner and counter): one that expired and was taken
 * by another is left alone. The row stays (expired) so the counter keeps growing; there is one per name.
 */
export async function releaseLease(db: Kysely<Database>, lease: NamedLease): Promise<void> {
  await db
    .updateTable('leases')
    .set({ expiresAt: 0 })
    .where('name', '=', lease.name)
    .where('owner', '=', lease.owner)
    .where('counter', '=', lease.counter)
    .execute();
}
