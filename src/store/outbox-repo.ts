import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { dialectOf } from './dialect-of';
import type { Database, OutboxRow, OutboxStatus } from './schema';

export type OutboxJob = OutboxRow;

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
  /** How many of the oldest due jobs the first pass looks at (default 4 x limit, at least 64). */
  window?: number;
}

/** How many of the oldest due jobs the second pass searches for jobs without an ordering key. */
const KEYLESS_WINDOW = 1000;

/** Live jobs, spelled as the partial indexes' predicate so SQLite's planner can use them. */
const live = (alias = '') => sql.raw(`${alias === '' ? '' : `${alias}.`}status in ('pending', 'leased')`);

/**
 * Leases up to `limit` due jobs and counts an attempt on each, oldest first. A job is due when it is pending and its
 * next attempt time has come, or leased with an expired lease (its worker died). A job whose ordering key has an
 * older job still pending or leased is not due: that is what keeps one conversation's messages in order. Nor is one
 * whose key has a job in flight (leased, lease not expired), whatever its age: a dead job requeued by replay is older
 * than the jobs that ran past it. Dead jobs do not hold back later ones. On PostgreSQL, FOR UPDATE SKIP LOCKED lets
 * concurrent claimers pass over each other's rows instead of waiting; SQLite runs one writer at a time anyway.
 *
 * The cost is bounded by the work rather than the backlog. Testing every due job for an older live one would, once
 * every conversation's head is in flight (where a busy worker with fewer conversations than its concurrency lives),
 * walk the whole backlog on each claim to find nothing. So the first pass looks at the `window` oldest due jobs
 * only; when that does not fill the claim, a second pass takes the heads of the ordering keys (a skip-scan over the
 * ordering index, one probe per key that has live jobs) and jobs without a key among the oldest KEYLESS_WINDOW due
 * ones, which under a deeper backlog wait their turn. Both passes use literal status lists, so SQLite's planner
 * matches the partial indexes. Call it inside a transaction to make the two passes one claim (the worker does); each
 * pass alone is one atomic statement, so even outside one no job is leased twice and no key runs two jobs at once.
 */
export async function claimDue(db: Kysely<Database>, options: ClaimOptions): Promise<OutboxJob[]> {
  const window = options.window ?? Math.max(64, 4 * options.limit);
  const first = await leaseAmong(db, options, windowCandidates(options.now, window));
  if (first.length >= options.limit) return first;
  // A window that held every due job already offered each key's head and every keyless job: the second pass could
  // only find what the first one just leased. Under a shallow backlog (the steady state) this halves the claim.
  // The jobs just leased were due a moment ago and count towards what the window held.
  if ((await countDue(db, options.now, window)) + first.length < window) return first;
  const rest = await leaseAmong(
    db,
    { ...options, limit: options.limit - first.length },
    headCandidates(options.now, Math.max(window, KEYLESS_WINDOW)),
  );
  return [...first, ...rest].sort((a, b) => a.id - b.id);
}

/** How many live jobs are due, counted up to `window` (a bounded walk of the due index). */
async function countDue(db: Kysely<Database>, now: number, window: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (
      select id from outbox where ${live()} and available_at <= ${now} order by available_at, id limit ${window}
    ) d`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Due jobs among the oldest `window` with no older live job of their key and none of it in flight. */
function windowCandidates(now: number, window: number) {
  return sql`
    select r.id from (
      select id, ordering_key from outbox where ${live()} and available_at <= ${now}
        order by available_at, id limit ${window}
    ) r
    where r.ordering_key is null or not exists (
      select 1 from outbox e where e.ordering_key = r.ordering_key and ${live('e')}
        and (e.id < r.id or (e.status = 'leased' and e.available_at > ${now}))
    )`;
}

/**
 * The oldest live job of every ordering key with nothing in flight (a replayed dead job is older than jobs that
 * ran past it), and keyless jobs among the oldest `window` due ones.
 */
function headCandidates(now: number, window: number) {
  return sql`
    with recursive keys(k) as (
      select min(ordering_key) from outbox where ${live()} and ordering_key is not null
      union all
      select (select min(ordering_key) from outbox where ${live()} and ordering_key is not null and ordering_key > keys.k)
        from keys where keys.k is not null
    )
    select heads.id from (
      select keys.k as k,
        (select min(id) from outbox where ${live()} and ordering_key is not null and ordering_key = keys.k) as id
        from keys where keys.k is not null
    ) heads
    where not exists (
      select 1 from outbox f where f.ordering_key = heads.k and ${live('f')}
        and f.status = 'leased' and f.available_at > ${now}
    )
    union all
    select w.id from (
      select id, ordering_key from outbox where ${live()} and available_at <= ${now}
        order by available_at, id limit ${window}
    ) w where w.ordering_key is null`;
}

/** Leases up to `limit` of `candidates` still live and due, oldest first; PostgreSQL skips rows others lock. */
async function leaseAmong(db: Kysely<Database>, options: ClaimOptions, candidates: ReturnType<typeof sql>) {
  const { now, limit, leaseMs, workerId } = options;
  const lock = dialectOf(db) === 'postgres' ? sql`for update skip locked` : sql``;
  const { rows } = await sql<OutboxJob>`
    update outbox
      set status = 'leased', lease_owner = ${workerId}, available_at = ${now + leaseMs},
          attempts = attempts + 1, updated_at = ${now}
      where id in (
        select o.id from outbox o
          where o.id in (${candidates}) and ${live('o')} and o.available_at <= ${now}
          order by o.available_at, o.id limit ${limit}
          ${lock}
      )
      returning *`.execute(db);
  return [...rows].sort((a, b) => a.id - b.id);
}

const heldBy = (eb: ExpressionBuilder<Database, 'outbox'>, lease: Lease, workerId: string) =>
  eb.and([
    eb('id', '=', lease.id),
    eb('attempts', '=', lease.attempts),
    eb('status', '=', 'leased'),
    eb('leaseOwner', '=', workerId),
  ]);

// Keeps each statement's parameter list short (SQLite's default limit is 32766 variables).
const COMPLETE_CHUNK = 500;

/**
 * Marks jobs done and returns the ids this worker still held (a lost lease is not completed twice), in a few
 * statements however many jobs finished at once.
 */
export async function completeHeld(
  db: Kysely<Database>,
  leases: readonly Lease[],
  workerId: string,
  now: number,
): Promise<Set<number>> {
  const done = new Set<number>();
  for (let start = 0; start < leases.length; start += COMPLETE_CHUNK) {
    const chunk = leases.slice(start, start + COMPLETE_CHUNK);
    const rows = await db
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

/** completeHeld, counting the jobs that were still held. */
export async function complete(
  db: Kysely<Database>,
  leases: readonly Lease[],
  workerId: string,
  now: number,
): Promise<number> {
  return (await completeHeld(db, leases, workerId, now)).size;
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

/** `text` inside a LIKE pattern, LIKE's own wildcards escaped with a backslash (the escape character used below). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

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
  const pattern = `%${likeLiteral(text)}%`;
  return db
    .selectFrom('outbox')
    .selectAll()
    .where(sql<boolean>`status = 'dead'`)
    .where('linkId', '=', linkId)
    .where('kind', '=', kind)
    .where(sql<boolean>`payload like ${pattern} escape '\\'`)
    .execute();
}

export type JobProgress = Pick<OutboxJob, 'id' | 'idempotencyKey' | 'status' | 'payload'>;

/** A link's jobs whose idempotency keys start with `prefix` (work enqueued as one batch), oldest first. */
export async function findJobsByKeyPrefix(
  db: Kysely<Database>,
  linkId: string,
  prefix: string,
): Promise<JobProgress[]> {
  const pattern = `${likeLiteral(prefix)}%`;
  return db
    .selectFrom('outbox')
    .select(['id', 'idempotencyKey', 'status', 'payload'])
    .where('linkId', '=', linkId)
    .where(sql<boolean>`idempotency_key like ${pattern} escape '\\'`)
    .orderBy('id')
    .execute();
}

/** A page of `kind` jobs not done (pending, leased, or dead awaiting a replay), by id after `afterId`. */
export async function findUnfinishedJobs(
  db: Kysely<Database>,
  kind: string,
  page: { afterId: number; limit: number },
): Promise<Pick<OutboxJob, 'id' | 'payload'>[]> {
  return db
    .selectFrom('outbox')
    .select(['id', 'payload'])
    .where('kind', '=', kind)
    .where(sql<boolean>`status <> 'done'`)
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
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
