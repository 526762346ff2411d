import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import type { Database, OutboxRow, OutboxStatus } from './schema';

export type OutboxJob = OutboxRow;

export interface NewOutboxJob {
  /** Derived from upstream ids, so a retried request or redelivered hook maps to the same job. */
  idempotencyKey: string;
  kind: string;
  payload: string;
  linkId?: string | null;
  /** Jobs sharing a key run strictly one after another in enqueue order (e.g. `conv:<conversation row id>`). */
  orderingKey?: string | null;
  /** Earliest first attempt; defaults to now. */
  availableAt?: number;
}

/** What proves a worker still holds a job: the attempt count is a fencing token against a reclaimed lease. */
export type Lease = Pick<OutboxJob, 'id' | 'attempts'>;

const toRow = (job: NewOutboxJob, now: number) => ({
  idempotencyKey: job.idempotencyKey,
  kind: job.kind,
  payload: job.payload,
  linkId: job.linkId ?? null,
  orderingKey: job.orderingKey ?? null,
  status: 'pending' as const,
  attempts: 0,
  availableAt: job.availableAt ?? now,
  createdAt: now,
  updatedAt: now,
});

/** Adds a job unless one with the same idempotency key exists, in which case that one is returned untouched. */
export async function enqueue(
  db: Kysely<Database>,
  job: NewOutboxJob,
  now: number,
): Promise<{ job: OutboxJob; created: boolean }> {
  const inserted = await db
    .insertInto('outbox')
    .values(toRow(job, now))
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { job: inserted, created: true };
  const existing = await findJobByKey(db, job.idempotencyKey);
  if (!existing) throw new Error('outbox job disappeared between insert and read');
  return { job: existing, created: false };
}

// Rows per INSERT, well inside SQLite's 32766 and PostgreSQL's 65535 bound parameters.
const INSERT_CHUNK = 500;

/**
 * Adds many jobs (one statement per 500); returns the idempotency keys that were new. In SQL rather than the query
 * builder for the same reason as insertInboxEvents: the webhook's hot path.
 */
export async function enqueueMany(
  db: Kysely<Database>,
  jobs: readonly NewOutboxJob[],
  now: number,
): Promise<Set<string>> {
  const created = new Set<string>();
  for (let start = 0; start < jobs.length; start += INSERT_CHUNK) {
    const rows = jobs.slice(start, start + INSERT_CHUNK).map((job) => {
      const r = toRow(job, now);
      return sql`(${r.idempotencyKey}, ${r.kind}, ${r.payload}, ${r.linkId}, ${r.orderingKey}, ${r.status}, ${r.attempts},
        ${r.availableAt}, ${r.createdAt}, ${r.updatedAt})`;
    });
    const result = await sql<{ idempotencyKey: string }>`
      insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
        created_at, updated_at)
      values ${sql.join(rows)}
      on conflict (idempotency_key) do nothing returning idempotency_key`.execute(db);
    for (const row of result.rows) created.add(row.idempotencyKey);
  }
  return created;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  leaseMs: number;
  workerId: string;
}

// Literal rather than bound so SQLite's planner can match the partial indexes' WHERE clauses.
const live = (alias: 'r' | 'e') => sql<boolean>`${sql.ref(`${alias}.status`)} in ('pending', 'leased')`;

/**
 * Leases up to `limit` due jobs in one atomic statement and counts an attempt on each. A job is due when it is
 * pending and its next attempt time has come, or leased with an expired lease (its worker died). A job whose
 * ordering key has an older job still pending or leased is not due: that is what keeps one conversation's
 * messages in order. Nor is one whose key has a job in flight (leased, lease not expired), whatever its age: a dead
 * job requeued by replay is older than the jobs that ran past it. Dead jobs do not hold back later ones. On
 * PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent claimers pass over each other's rows instead of waiting; SQLite
 * runs one writer at a time anyway.
 */
export async function claimDue(db: Kysely<Database>, options: ClaimOptions): Promise<OutboxJob[]> {
  const { now, limit, leaseMs, workerId } = options;
  const postgres = dialectOf(db) === 'postgres';
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'leased',
      leaseOwner: workerId,
      availableAt: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      updatedAt: now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox as r')
        .select('r.id')
        .where(live('r'))
        .where('r.availableAt', '<=', now)
        .where((w) => w.or([w('r.orderingKey', 'is', null), w.not(w.exists(blockingJob(w, now)))]))
        .orderBy('r.availableAt')
        .orderBy('r.id')
        .limit(limit)
        .$if(postgres, (qb) => qb.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/** A job of r's ordering key that r must wait for: an older live one, or any one in flight. */
function blockingJob(eb: ExpressionBuilder<Database & { r: Database['outbox'] }, 'r'>, now: number) {
  return eb
    .selectFrom('outbox as e')
    .select(sql.lit(1).as('one'))
    .whereRef('e.orderingKey', '=', 'r.orderingKey')
    .where(live('e'))
    .where((w) =>
      w.or([
        w(w.ref('e.id'), '<', w.ref('r.id')),
        w.and([w(sql.ref('e.status'), '=', sql.lit('leased')), w('e.availableAt', '>', now)]),
      ]),
    );
}

const heldBy = (eb: ExpressionBuilder<Database, 'outbox'>, lease: Lease, workerId: string) =>
  eb.and([
    eb('id', '=', lease.id),
    eb('attempts', '=', lease.attempts),
    eb('status', '=', 'leased'),
    eb('leaseOwner', '=', workerId),
  ]);

// SQLite caps expression depth at 1000, and each lease adds a level to the OR below.
const COMPLETE_CHUNK = 200;

/** Marks jobs done; returns how many were still held by this worker (a lost lease is not completed twice). */
export async function complete(
  db: Kysely<Database>,
  leases: readonly Lease[],
  workerId: string,
  now: number,
): Promise<number> {
  let completed = 0;
  for (let start = 0; start < leases.length; start += COMPLETE_CHUNK) {
    const chunk = leases.slice(start, start + COMPLETE_CHUNK);
    const result = await db
      .updateTable('outbox')
      .set({ status: 'done', leaseOwner: null, completedAt: now, updatedAt: now })
      .where((eb) => eb.or(chunk.map((lease) => heldBy(eb, lease, workerId))))
      .executeTakeFirst();
    completed += Number(result.numUpdatedRows);
  }
  return completed;
}

/** Gives a job back for another attempt at `nextAttemptAt`, recording why (a code, never message text). */
export async function fail(
  db: Kysely<Database>,
  lease: Lease,
  options: { workerId: string; nextAttemptAt: number; errorCode: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({
      status: 'pending',
      leaseOwner: null,
      availableAt: options.nextAttemptAt,
      lastError: options.errorCode,
      updatedAt: options.now,
    })
    .where((eb) => heldBy(eb, lease, options.workerId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Parks a job for good (until requeueDeadLetters); later jobs of its ordering key go on. */
export async function deadLetter(
  db: Kysely<Database>,
  lease: Lease,
  options: { workerId: string; errorCode: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'dead', leaseOwner: null, lastError: options.errorCode, updatedAt: options.now })
    .where((eb) => heldBy(eb, lease, options.workerId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Pushes a held lease's expiry to `until`, for work that outlives the original lease. */
export async function extendLease(
  db: Kysely<Database>,
  lease: Lease,
  options: { workerId: string; until: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ availableAt: options.until, updatedAt: options.now })
    .where((eb) => heldBy(eb, lease, options.workerId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface DeadLetterFilter {
  ids?: readonly number[];
  kind?: string;
  linkId?: string;
}

/** The replay command's backend: dead jobs matching every given filter become due now with a fresh budget. */
export async function requeueDeadLetters(db: Kysely<Database>, filter: DeadLetterFilter, now: number): Promise<number> {
  if (filter.ids?.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, availableAt: now, leaseOwner: null, updatedAt: now })
    .where(sql<boolean>`status = 'dead'`)
    .$if(filter.ids !== undefined, (qb) => qb.where('id', 'in', [...(filter.ids ?? [])]))
    .$if(filter.kind !== undefined, (qb) => qb.where('kind', '=', filter.kind ?? ''))
    .$if(filter.linkId !== undefined, (qb) => qb.where('linkId', '=', filter.linkId ?? ''))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Dead jobs of `kind` on a link whose payload contains `text` (an id), for the caller to confirm by parsing. Dead
 * letters are few, and the partial dead index holds only them.
 */
export async function findDeadJobsMentioning(
  db: Kysely<Database>,
  linkId: string,
  kind: string,
  text: string,
): Promise<OutboxJob[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('outbox')
    .selectAll()
    .where(sql<boolean>`status = 'dead'`)
    .where('linkId', '=', linkId)
    .where('kind', '=', kind)
    .where(sql<boolean>`payload like ${pattern} escape '\\'`)
    .execute();
}

export async function findJob(db: Kysely<Database>, id: number): Promise<OutboxJob | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findJobByKey(db: Kysely<Database>, idempotencyKey: string): Promise<OutboxJob | undefined> {
  return db.selectFrom('outbox').selectAll().where('idempotencyKey', '=', idempotencyKey).executeTakeFirst();
}

/**
 * Deletes jobs completed before `before`. Their idempotency keys go with them, so keep done jobs longer than
 * any upstream retry could arrive.
 */
export async function pruneCompleted(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where(sql<boolean>`status = 'done'`)
    .where('completedAt', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Job counts per status, for metrics and readiness. */
export async function countJobs(db: Kysely<Database>): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { pending: 0, leased: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
