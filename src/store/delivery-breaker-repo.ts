import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import { isUniqueViolation } from './is-unique-violation';
import { type BreakerPolicy, nextBreakerState } from './next-breaker-state';
import type { Lease } from './outbox-repo';
import { primaryLinkOrder } from './primary-link-order';
import type { Database, DeliveryBreakerRow } from './schema';

// The circuit breaker of each link's messenger webhook (table `delivery_breakers`, migration 0009), stored so every
// instance holds a link's deliveries alike. A row exists only while the link has a streak of outage failures.

export type DeliveryBreaker = DeliveryBreakerRow;

/** The last error of a delivery its breaker holds back; releasing the held ones looks for it. */
export const DELIVERY_HELD = 'delivery_breaker_open';

export async function findDeliveryBreaker(db: Kysely<Database>, linkId: string): Promise<DeliveryBreaker | undefined> {
  return db.selectFrom('deliveryBreakers').selectAll().where('linkId', '=', linkId).executeTakeFirst();
}

/**
 * The breaker of an account's PRIMARY link (links-repo.ts: its oldest live link, else its oldest link), for the
 * single-link status.
 */
export async function findDeliveryBreakerOfAccount(
  db: Kysely<Database>,
  accountId: number,
): Promise<DeliveryBreaker | undefined> {
  return db
    .selectFrom('deliveryBreakers as b')
    .selectAll('b')
    .where('b.linkId', '=', (eb) =>
      eb
        .selectFrom('links')
        .select('links.id')
        .where('links.accountId', '=', accountId)
        .orderBy(primaryLinkOrder)
        .orderBy('links.createdAt')
        .orderBy('links.id')
        .limit(1),
    )
    .executeTakeFirst();
}

/**
 * Counts one outage failure of a delivery to `webhookUrl` (see nextBreakerState) and returns the breaker before and
 * after it. A read-modify-write under the row's lock (PostgreSQL: FOR UPDATE; SQLite: the transaction's write lock),
 * so failures reported at once by several workers are each counted. Starts its own transaction.
 */
export async function recordDeliveryOutage(
  db: Kysely<Database>,
  input: { linkId: string; webhookUrl: string; probe: boolean },
  now: number,
  policy: BreakerPolicy,
): Promise<{ before: DeliveryBreaker | undefined; after: DeliveryBreaker }> {
  const attempt = () =>
    db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('deliveryBreakers')
        .selectAll()
        .where('linkId', '=', input.linkId)
        .$if(dialectOf(trx) === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      const after = { linkId: input.linkId, ...nextBreakerState(before, input, now, policy), updatedAt: now };
      if (before) await trx.updateTable('deliveryBreakers').set(after).where('linkId', '=', input.linkId).execute();
      else await trx.insertInto('deliveryBreakers').values(after).execute();
      return { before, after };
    });
  try {
    return await attempt();
  } catch (error) {
    // Another worker inserted the link's first failure at the same moment; a second pass locks and counts on it.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}

/**
 * The webhook answered: the streak counted against `webhookUrl` ends and the breaker closes. Returns the row it
 * removed, if any. A row counted against another URL stays: it is ignored anyway, and an answer from a URL the link
 * no longer has must not close the breaker of the one it has now.
 */
export async function recordDeliverySuccess(
  db: Kysely<Database>,
  input: { linkId: string; webhookUrl: string },
): Promise<DeliveryBreaker | undefined> {
  return db
    .deleteFrom('deliveryBreakers')
    .where('linkId', '=', input.linkId)
    .where('webhookUrl', '=', input.webhookUrl)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Makes this delivery the probe of an open breaker whose wait is over, if no other delivery probes right now: true
 * for exactly one caller across all instances (one conditional update), until the probe reports or `probeMs` passes.
 */
export async function takeBreakerProbe(
  db: Kysely<Database>,
  input: { linkId: string; webhookUrl: string },
  now: number,
  probeMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveryBreakers')
    .set({ probeUntil: now + probeMs, updatedAt: now })
    .where('linkId', '=', input.linkId)
    .where('webhookUrl', '=', input.webhookUrl)
    .where('openUntil', '<=', now)
    .where((eb) => eb.or([eb('probeUntil', 'is', null), eb('probeUntil', '<=', now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Links whose breaker is open (or probing) for the URL they have now: the `relay_delivery_breakers_open` gauge. */
export async function countOpenDeliveryBreakers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('deliveryBreakers as b')
    .innerJoin('links as l', (join) => join.onRef('l.id', '=', 'b.linkId').onRef('l.webhookUrl', '=', 'b.webhookUrl'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('b.openUntil', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * A claimed delivery whose breaker is open goes back untried, due at `until`: pending, so no worker slot waits
 * for it and no claim takes it before then, and with the attempt its claim counted given back, since it never
 * reached the messenger. Its retry budget is for its own failures only. Acts only while this worker still holds it
 * (the same fence as outbox-repo's heldBy). The outbox write lives here because only the breaker makes it.
 *
 * The breaker is read again here, in the committing transaction: a probe may have closed it since the worker
 * decided to hold, and its releaseHeldDeliveries skipped this job, which was leased then; holding it until the old
 * wait ends would keep its chat waiting for minutes after the webhook came back. With no open breaker for the
 * link's URL the job is due now instead. On PostgreSQL the row is read FOR SHARE, so a closing probe's delete
 * either waits for this commit (and its release then sees the job) or has committed (and the row is gone); SQLite
 * runs one writing transaction at a time anyway.
 */
export async function holdHeldJob(
  db: Kysely<Database>,
  lease: Lease,
  options: { workerId: string; until: number; errorCode: string; now: number },
): Promise<boolean> {
  const lock = dialectOf(db) === 'postgres' ? sql`for share of b` : sql``;
  const { rows } = await sql<{ openUntil: number | null }>`
    select b.open_until from delivery_breakers b
    join links l on l.id = b.link_id and l.webhook_url = b.webhook_url
    join outbox o on o.link_id = l.id
    where o.id = ${lease.id} ${lock}`.execute(db);
  const stillOpen = rows[0] !== undefined && rows[0].openUntil !== null;
  const result = await db
    .updateTable('outbox')
    .set({
      status: 'pending',
      attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end`,
      leaseOwner: null,
      availableAt: stillOpen ? options.until : options.now,
      lastError: options.errorCode,
      updatedAt: options.now,
    })
    .where('id', '=', lease.id)
    .where('attempts', '=', lease.attempts)
    .where('status', '=', 'leased')
    .where('leaseOwner', '=', options.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The breaker closed: the link's deliveries it held (pending, last error `errorCode`, not yet due) are due now, so
 * the backlog flows at once rather than when each one's wait would have ended. Their order per conversation is the
 * outbox's (by id), not their due times, so it stays.
 */
export async function releaseHeldDeliveries(
  db: Kysely<Database>,
  linkId: string,
  errorCode: string,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ availableAt: now, updatedAt: now })
    .where('linkId', '=', linkId)
    // The live list as the link index spells it, so SQLite's planner can use the index, then the one status.
    .where(sql<boolean>`status in ('pending', 'leased')`)
    .where(sql<boolean>`status = 'pending'`)
    .where('availableAt', '>', now)
    .where('lastError', '=', errorCode)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The link's webhook changed (a new URL, a relink with new credentials, an unlink): its breaker, counted against
 * what the link was, is dropped and the deliveries it held are due now, in the caller's transaction, so the link
 * starts closed at once on every instance rather than when the old wait ends. `keepUrl`: a breaker counted against
 * this URL stays (a settings save that kept the URL). Returns the row it removed, if any.
 */
export async function resetDeliveryBreaker(
  db: Kysely<Database>,
  linkId: string,
  keepUrl: string | null,
  now: number,
): Promise<DeliveryBreaker | undefined> {
  const removed = await db
    .deleteFrom('deliveryBreakers')
    .where('linkId', '=', linkId)
    .$if(keepUrl !== null, (q) => q.where('webhookUrl', '<>', keepUrl ?? ''))
    .returningAll()
    .executeTakeFirst();
  if (removed?.openUntil != null) await releaseHeldDeliveries(db, linkId, DELIVERY_HELD, now);
  return removed;
}

/**
 * Drops a breaker counted against a URL the link no longer has in the store: one a worker with a lagging copy of
 * the link wrote after the URL changed. Compared with the stored link, not the caller's copy, so a worker whose
 * copy lags never drops the breaker of the URL the link has now. Returns the row it removed, if any.
 */
export async function forgetStaleDeliveryBreaker(
  db: Kysely<Database>,
  linkId: string,
): Promise<DeliveryBreaker | undefined> {
  return db
    .deleteFrom('deliveryBreakers')
    .where('linkId', '=', linkId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('links')
            .select('links.id')
            .whereRef('links.id', '=', 'deliveryBreakers.linkId')
            .whereRef('links.webhookUrl', '=', 'deliveryBreakers.webhookUrl'),
        ),
      ),
    )
    .returningAll()
    .executeTakeFirst();
}
