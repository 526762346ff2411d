import { type ExpressionBuilder, type Kysely, sql, type UpdateObject } from 'kysely';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { dialectOf } from './dialect-of';
import { lockOrderingKeys } from './lock-ordering-keys';
import { markNewHeads } from './mark-new-heads';
import { recomputeHeads } from './recompute-heads';
import type { Database, OutboxRow, OutboxStatus } from './schema';

export type OutboxJob = OutboxRow;

/**
 * What proves a worker still holds a job: the attempt count is a fencing token against a reclaimed lease (every
 * claim adds 1 to it, a takeover included).
 */
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

/**
 * Runs `work` in the caller's transaction, or in one of its own when `db` is none: a write that changes which jobs
 * of a key are live must recompute the key's head before anyone sees it (recomputeHeads).
 */
const transactional = <T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

/** The ordering keys of the jobs `where` selects, for lockOrderingKeys before they change. */
const keysOf = (where: ReturnType<typeof sql>) =>
  sql<{ orderingKey: string | null }>`select ordering_key from outbox where ${where}`;

/** Adds a job unless one with the same idempotency key exists, in which case that one is returned untouched. */
export async function enqueue(
  db: Kysely<Database>,
  job: NewOutboxJob,
  now: number,
): Promise<{ job: OutboxJob; created: boolean }> {
  const inserted = await transactional(db, async (trx) => {
    const row = await trx
      .insertInto('outbox')
      .values(toRow(job, now))
      .onConflict((oc) => oc.column('idempotencyKey').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row === undefined || row.orderingKey === null) return row;
    const heads = await markNewHeads(trx, [row]);
    return { ...row, isHead: heads.has(Number(row.id)) ? 1 : 0 };
  });
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
  if (jobs.length === 0) return new Set();
  return transactional(db, async (trx) => {
    const created = new Set<string>();
    const inserted: { id: number; orderingKey: string | null }[] = [];
    for (let start = 0; start < jobs.length; start += INSERT_CHUNK) {
      const rows = jobs.slice(start, start + INSERT_CHUNK).map((job) => {
        const r = toRow(job, now);
        return sql`(${r.idempotencyKey}, ${r.kind}, ${r.payload}, ${r.linkId}, ${r.orderingKey}, ${r.status},
          ${r.attempts}, ${r.availableAt}, ${r.createdAt}, ${r.updatedAt})`;
      });
      const result = await sql<{ id: number; idempotencyKey: string; orderingKey: string | null }>`
        insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
          created_at, updated_at)
        values ${sql.join(rows)}
        on conflict (idempotency_key) do nothing returning id, idempotency_key, ordering_key`.execute(trx);
      for (const row of result.rows) created.add(row.idempotencyKey);
      inserted.push(...result.rows);
    }
    await markNewHeads(trx, inserted);
    return created;
  });
}

export interface ClaimOptions {
  now: number;
  limit: number;
  leaseMs: number;
  workerId: string;
  /** How many of the oldest due jobs the first pass looks at (default 4 x limit, at least 64). */
  window?: number;
  /** Most jobs of one link in flight at once, across all workers (default DEFAULT_LINK_CAP). */
  linkCap?: number;
}

/**
 * Jobs of one link in flight (leased, lease not expired) at most, by default: 16 of a worker's 128 slots, so a link
 * whose backlog is deep or whose webhook answers slowly holds an eighth of them and leaves the rest to the others.
 */
export const DEFAULT_LINK_CAP = 16;

/** How many due key heads, and how many due jobs without an ordering key, the second pass takes at most. */
const KEYLESS_WINDOW = 1000;

/**
 * How many of each link's oldest due jobs every claim walks, so a link behind another link's deep backlog is seen
 * in the very next claim. A few: the window finds the bulk, and a link cut short here is searched by its key heads.
 */
const LINK_DEPTH = 4;

/** Links walked per claim at most: their ids go into one statement, well inside SQLite's 32766 parameters. */
const MAX_WALKED_LINKS = 5000;

/** Live jobs, spelled as the partial indexes' predicate so SQLite's planner can use them. */
const live = (alias = '') => sql.raw(`${alias === '' ? '' : `${alias}.`}status in ('pending', 'leased')`);

/**
 * Leases up to `limit` due jobs and counts an attempt on each, round-robin across links. A job is due when it is
 * pending and its next attempt time has come, or leased with an expired lease (its worker died). A job whose
 * ordering key has an older job still pending or leased is not due: that is what keeps one conversation's messages
 * in order. Nor is one whose key has a job in flight (leased, lease not expired), whatever its age: a dead job
 * requeued by replay is older than the jobs that ran past it. Dead jobs do not hold back later ones. On PostgreSQL,
 * FOR UPDATE SKIP LOCKED lets concurrent claimers pass over each other's rows instead of waiting; SQLite runs one
 * writer at a time anyway.
 *
 * Fairness: each due job gets a level, its link's jobs in flight plus its rank among the link's due jobs (oldest
 * first); jobs with a level above `linkCap` are not handed out, and the rest go by level, then age. So a link with
 * nothing in flight gets its oldest job before a busy link gets its next one, and no link holds more than `linkCap`
 * jobs at once (jobs without a link count as one link). Within a link, jobs still go oldest first.
 *
 * The cost is bounded by the work rather than the backlog. Testing every due job for an older live one would, once
 * every conversation's head is in flight (where a busy worker with fewer conversations than its concurrency lives),
 * walk the whole backlog on each claim to find nothing. So the first pass looks at the `window` oldest due jobs,
 * and the LINK_DEPTH oldest due jobs of every link with live jobs (a skip-scan over the link index, one probe per
 * link and job): a link behind another's deep backlog is reached in the same claim. When that does not fill the
 * claim, and some link with room has due jobs the walk did not reach, a second pass takes the due heads of the
 * ordering keys and the oldest due jobs without a key (range scans of two partial indexes, 0014, each bounded by
 * KEYLESS_WINDOW): even when every head waits for its retry, it costs no more than the due heads it finds. All passes
 * use literal status lists, so SQLite's planner matches the partial indexes. Call it inside a transaction to make
 * the passes one claim (the worker does); each pass alone is one atomic statement, so even outside one no job is
 * leased twice and no key runs two jobs at once. On PostgreSQL the cap is exact for one claimer; claimers committing at the same moment each see
 * the other's leases only after its commit, so a link may briefly hold up to a cap's worth more.
 */
export async function claimDue(db: Kysely<Database>, options: ClaimOptions): Promise<OutboxJob[]> {
  const window = options.window ?? Math.max(64, 4 * options.limit);
  const pass =
    dialectOf(db) === 'postgres' ? await firstPassInOne(db, options, window) : await firstPass(db, options, window);
  const { first, walked } = pass;
  if (first.length >= options.limit) return first;
  // A window that held every due job already offered each key's head and every keyless job: the second pass could
  // only find what the first one just leased. Under a shallow backlog (the steady state) this halves the claim.
  if ((await pass.dueBefore()) < window) return first;
  // Nor can it find more when every link with due jobs beyond its walk is at its cap (one link's flood, the case
  // the cap is for): its key heads would be walked on every claim to hand out nothing.
  if (!(await roomBeyondWalk(db, options, walked))) return first;
  const rest = await leaseAmong(
    db,
    { ...options, limit: options.limit - first.length },
    headCandidates(options.now, Math.max(window, KEYLESS_WINDOW), walked.linkJobs),
  );
  return [...first, ...rest].sort((a, b) => a.id - b.id);
}

interface FirstPass {
  /** The jobs leased, by id. */
  first: OutboxJob[];
  /** How many live jobs were due before the first pass leased any, counted up to the window. */
  dueBefore(): Promise<number>;
  walked: Walk;
}

/** The first pass in steps: the walk, the lease, and the due count only when the second pass may be needed. */
async function firstPass(db: Kysely<Database>, options: ClaimOptions, window: number): Promise<FirstPass> {
  const walked = await walkLinks(db, options.now);
  const first = await leaseAmong(db, options, windowCandidates(options.now, window, walked.linkJobs));
  // The jobs just leased were due a moment ago and count towards what the window held.
  return { first, walked, dueBefore: async () => (await countDue(db, options.now, window)) + first.length };
}

/**
 * The first pass as one statement (PostgreSQL): the walk of the links, the lease, and the due count and the walk's
 * summary for the second pass, each a round trip of its own otherwise, in the committer's one transaction at a time.
 * Its CTEs read the snapshot from before its UPDATE, so the due count already includes the jobs it leases.
 */
async function firstPassInOne(db: Kysely<Database>, options: ClaimOptions, window: number): Promise<FirstPass> {
  const { now } = options;
  // As an array the walked ids are looked up by primary key; joined to the walk, the planner's guess at its size
  // (hundreds of rows) could make it hash the whole table instead.
  const linkJobs = sql`
    select id, ordering_key from outbox where id = any(array(select id from walk where depth <= ${LINK_DEPTH}))`;
  const leased = await leaseAmong(db, options, unblocked(now, sql`${oldestDue(now, window)} union all ${linkJobs}`), {
    ctes: walkCtes(now, true),
    select: sql`select
      -- Only when the claim fell short (an InitPlan in a CASE branch runs only when that branch is taken).
      case when (select count(*) from leased) < ${options.limit}
        then (select count(*) from (${oldestDue(now, window)}) d) end as due_before,
      (select array_agg(distinct l) from walk where depth > ${LINK_DEPTH}) as cut_links,
      exists (select 1 from links where links.depth = ${MAX_WALKED_LINKS} and links.l is not null) as walk_truncated,
      (select array_agg(id) from walk where depth <= ${LINK_DEPTH}) as link_jobs`,
  });
  const rows = leased as (OutboxJob & WalkSummaryRow)[];
  const summary = rows[0];
  // Every row carries the summary's columns; without a job (id null), it is only the summary.
  const first = rows.flatMap(
    ({ dueBefore: _due, cutLinks: _cut, walkTruncated: _truncated, linkJobs: _jobs, ...job }) =>
      job.id === null ? [] : [job],
  );
  const walked: Walk = {
    linkJobs: (summary?.linkJobs ?? []).map(Number),
    cut: new Set(summary?.cutLinks ?? []),
    truncated: summary?.walkTruncated === true,
  };
  const dueBefore = Number(summary?.dueBefore ?? 0);
  return { first: first.sort((a, b) => a.id - b.id), walked, dueBefore: async () => dueBefore };
}

interface WalkSummaryRow {
  dueBefore: number | null;
  cutLinks: string[] | null;
  walkTruncated: boolean;
  linkJobs: (number | string)[] | null;
}

/** How many live jobs are due, counted up to `window` (a bounded walk of the due index). */
async function countDue(db: Kysely<Database>, now: number, window: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (
      select id from outbox where ${live()} and available_at <= ${now} order by available_at, id limit ${window}
    ) d`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

interface Walk {
  /** The LINK_DEPTH oldest due jobs of each link walked. */
  linkJobs: number[];
  /** Links with more due jobs than that: the walk saw one past LINK_DEPTH. */
  cut: Set<string>;
  /** More links have live jobs than one claim walks (MAX_WALKED_LINKS). */
  truncated: boolean;
}

/**
 * The walk's CTEs, `links(l, depth)` and `walk(l, id, at, depth)`, for a `with recursive`: the LINK_DEPTH + 1 oldest
 * due jobs of each link with live jobs (the last only tells that the walk was cut short), a skip-scan over the link
 * index for the links, then per link a chain of probes each starting after the previous job. Jobs without a link
 * are left to the window and the key heads (every relay job has a link).
 */
function walkCtes(now: number, postgres: boolean) {
  const next = (link: ReturnType<typeof sql>, after: ReturnType<typeof sql> | undefined, columns = sql`n.id`) => sql`
    select ${columns} from outbox n where ${live('n')} and n.link_id = ${link} and n.available_at <= ${now}
      ${after === undefined ? sql`` : sql`and (n.available_at, n.id) > ${after}`}
      order by n.available_at, n.id limit 1`;
  // Each probe's job. PostgreSQL takes it from a LATERAL probe, one index scan that stops at the first row; joined to
  // outbox by id instead, a table it has no statistics for yet may be hashed whole for every step of the walk.
  // SQLite has no LATERAL, and looks the id up by rowid.
  const step = (link: ReturnType<typeof sql>, after: ReturnType<typeof sql> | undefined) =>
    postgres
      ? sql`cross join lateral (${next(link, after, sql`n.id, n.available_at`)}) h`
      : sql`join outbox h on h.id = (${next(link, after)})`;
  return sql`
    links(l, depth) as (
      select min(link_id), 1 from outbox where ${live()} and link_id is not null
      union all
      select (select min(link_id) from outbox where ${live()} and link_id > links.l), links.depth + 1
        from links where links.l is not null and links.depth < ${MAX_WALKED_LINKS}
    ),
    walk(l, id, at, depth) as (
      -- The skip-scan's last step finds no link (null): probing for it could walk a whole index to find nothing.
      select links.l, h.id, h.available_at, 1 from links ${step(sql`links.l`, undefined)} where links.l is not null
      union all
      select walk.l, h.id, h.available_at, walk.depth + 1 from walk ${step(sql`walk.l`, sql`(walk.at, walk.id)`)}
        where walk.depth <= ${LINK_DEPTH}
    )`;
}

/** The walk (walkCtes) as a statement of its own. */
async function walkLinks(db: Kysely<Database>, now: number): Promise<Walk> {
  const { rows } = await sql<{ linkId: string; id: number | null; depth: number }>`
    with recursive ${walkCtes(now, dialectOf(db) === 'postgres')}
    select l as link_id, id, depth from walk
    union all
    -- A row without a job: the skip-scan stopped at MAX_WALKED_LINKS, so links past it went unseen.
    select l, null, 0 from links where links.depth = ${MAX_WALKED_LINKS} and links.l is not null`.execute(db);
  const walked: Walk = { linkJobs: [], cut: new Set(), truncated: false };
  for (const row of rows) {
    if (row.id === null) walked.truncated = true;
    else if (Number(row.depth) <= LINK_DEPTH) walked.linkJobs.push(Number(row.id));
    else walked.cut.add(row.linkId);
  }
  return walked;
}

/**
 * Whether the second pass could hand out anything the first could not: a link cut short by the walk that still has
 * room under its cap, links past the walk's bound, or jobs without a link, which the walk does not reach.
 */
async function roomBeyondWalk(db: Kysely<Database>, options: ClaimOptions, walked: Walk): Promise<boolean> {
  if (walked.truncated) return true;
  const { cut } = walked;
  const cap = options.linkCap ?? DEFAULT_LINK_CAP;
  if (cut.size > 0) {
    // Every leased row, grouped: bounded by the jobs in flight across all workers, not by the backlog.
    const { rows } = await sql<{ linkId: string | null; n: number }>`
      select link_id, count(*) as n from outbox where status = 'leased' and available_at > ${options.now}
        group by link_id`.execute(db);
    const busy = new Map(rows.map((r) => [r.linkId, Number(r.n)]));
    for (const link of cut) if ((busy.get(link) ?? 0) < cap) return true;
  }
  const { rows } = await sql<{ one: number }>`
    select 1 as one from outbox where ${live()} and link_id is null limit 1`.execute(db);
  return rows.length > 0;
}

/** The `window` oldest due jobs, as (id, ordering_key) rows: a bounded walk of the due index. */
const oldestDue = (now: number, window: number) => sql`
  select id, ordering_key from (
    select id, ordering_key from outbox where ${live()} and available_at <= ${now}
      order by available_at, id limit ${window}
  ) w`;

/** The walked jobs of the links, as (id, ordering_key) rows: primary-key lookups. */
const walkedJobs = (ids: readonly number[]) => sql`select id, ordering_key from outbox where id in (${sql.join(ids)})`;

/** Of `rows` (id, ordering_key), those with no older live job of their key and none of it in flight. */
function unblocked(now: number, rows: ReturnType<typeof sql>) {
  return sql`
    select r.id from (${rows}) r
    where r.ordering_key is null or not exists (
      select 1 from outbox e where e.ordering_key = r.ordering_key and ${live('e')}
        and (e.id < r.id or (e.status = 'leased' and e.available_at > ${now}))
    )`;
}

/** Unblocked jobs among the oldest `window` due ones and the walked jobs of each link. */
function windowCandidates(now: number, window: number, linkJobs: readonly number[]) {
  const rows = oldestDue(now, window);
  return unblocked(now, linkJobs.length === 0 ? rows : sql`${rows} union all ${walkedJobs(linkJobs)}`);
}

/**
 * The due heads of the ordering keys (outbox `is_head`, one range scan of their partial index, oldest first, at most
 * `window`) that have no older live job and nothing in flight (a replayed dead job heads its key while the job that
 * ran past it may still run; and on PostgreSQL a key may briefly have a second head, see mark-new-heads.ts), the
 * `window` oldest due jobs without a key (their own partial index, 0014), and the walked jobs of each link again
 * (those the first pass left, the cap permitting now that it leased others). When every head waits for its retry (an
 * outage), both scans find nothing at once, however many keys have live jobs and however deep their backlogs.
 */
function headCandidates(now: number, window: number, linkJobs: readonly number[]) {
  const heads = sql`
    select id, ordering_key from (
      select id, ordering_key from outbox where is_head = 1 and ${live()} and available_at <= ${now}
        order by available_at, id limit ${window}
    ) h`;
  return sql`
    ${unblocked(now, heads)}
    union all
    select w.id from (
      select id from outbox where ordering_key is null and ${live()} and available_at <= ${now}
        order by available_at, id limit ${window}
    ) w
    ${linkJobs.length === 0 ? sql`` : sql`union all ${unblocked(now, walkedJobs(linkJobs))}`}`;
}

/**
 * Leases up to `limit` of `candidates` still live and due, by level (the link's jobs in flight plus the job's rank
 * among the link's candidates, oldest first), then age; a level above the cap is left for a later claim. The jobs
 * in flight are counted from the leased rows only (their own index), which the workers' slots bound. PostgreSQL
 * skips rows other claimers lock; it allows no row lock on a query with a window function, hence the lock on `o`.
 */
async function leaseAmong(
  db: Kysely<Database>,
  options: ClaimOptions,
  candidates: ReturnType<typeof sql>,
  /**
   * PostgreSQL only: more CTEs ahead of the candidates (recursive ones allowed), and a one-row select over them
   * whose columns are returned beside the leased rows' (one row with no job when none was leased).
   */
  summary?: { ctes: ReturnType<typeof sql>; select: ReturnType<typeof sql> },
) {
  const { now, limit, leaseMs, workerId } = options;
  const cap = options.linkCap ?? DEFAULT_LINK_CAP;
  const postgres = dialectOf(db) === 'postgres';
  const lock = postgres ? sql`for update of o skip locked` : sql``;
  // Candidates are looked up by id. With statistics (ANALYZE) SQLite may prefer a skip-scan of the link index for
  // them instead, which walks the backlog; NOT INDEXED still allows the rowid lookup and nothing else.
  const byId = postgres ? sql`` : sql`not indexed`;
  // Candidates, counts in flight and levels are each computed once (MATERIALIZED): inlined, PostgreSQL may re-run
  // the candidate search or the ranking for every row it looks at while the table has no statistics yet (seconds
  // per claim on a fresh table of 300 jobs; as fast as before the fairness rule with them materialized).
  const lease = sql`
    update outbox
      set status = 'leased', lease_owner = ${workerId}, available_at = ${now + leaseMs},
          attempts = attempts + 1, lost_leases = lost_leases + case when status = 'leased' then 1 else 0 end,
          updated_at = ${now}
      where id in (select id from picked)
      returning *`;
  const { rows } = await sql<OutboxJob>`
    ${summary === undefined ? sql`with` : sql`with recursive ${summary.ctes},`}
    cand as materialized (
      select distinct c0.id from (${candidates}) c0
    ),
    busy as materialized (
      select coalesce(link_id, '') as l, count(*) as n from outbox
        where status = 'leased' and available_at > ${now} group by coalesce(link_id, '')
    ),
    ranked as materialized (
      select x.id, x.available_at,
        coalesce(f.n, 0) + row_number() over (partition by x.link_id order by x.available_at, x.id) as level
      from cand join outbox x ${byId} on x.id = cand.id
        left join busy f on f.l = coalesce(x.link_id, '')
      where ${live('x')} and x.available_at <= ${now}
    ),
    -- The pick is materialized too: as an IN subquery PostgreSQL may rescan it per outer row, and each rescan's
    -- LIMIT then counts afresh, so a claim of 3 could lease 4 (CI caught it once under load).
    picked as materialized (
      -- CROSS JOIN keeps SQLite's loop on the few ranked jobs instead of the due index's whole backlog.
      select o.id from ranked c cross join outbox o
        where o.id = c.id and c.level <= ${cap} and ${live('o')} and o.available_at <= ${now}
        order by c.level, c.available_at, c.id limit ${limit}
        ${lock}
    )
    -- A job still leased here is one whose lease ran out (its worker died or stalled): the takeover counts as a lost
    -- lease, which the retry budget (attempts - lost_leases) leaves out, so a dead worker wastes no attempt.
    ${
      summary === undefined
        ? lease
        : sql`, leased as (${lease}) select leased.*, s.* from (${summary.select}) s left join leased on true`
    }`.execute(db);
  if (summary !== undefined) return [...rows];
  return [...rows].sort((a, b) => a.id - b.id);
}

const heldBy = (eb: ExpressionBuilder<Database, 'outbox'>, lease: Lease, workerId: string) =>
  eb.and([
    eb('id', '=', lease.id),
    eb('attempts', '=', lease.attempts),
    eb('status', '=', 'leased'),
    eb('leaseOwner', '=', workerId),
  ]);

/**
 * heldBy for many leases at once: `id in` lets SQLite look the rows up by key, then the (id, attempts) pairs fence
 * each one.
 */
const heldAmong = (eb: ExpressionBuilder<Database, 'outbox'>, leases: readonly Lease[], workerId: string) =>
  eb.and([
    eb(
      'id',
      'in',
      leases.map((l) => l.id),
    ),
    eb(
      eb.refTuple('id', 'attempts'),
      'in',
      leases.map((l) => eb.tuple(l.id, l.attempts)),
    ),
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
  if (leases.length === 0) return new Set();
  return transactional(db, async (trx) => {
    const done = new Set<number>();
    const keys = new Set<string>();
    for (let start = 0; start < leases.length; start += COMPLETE_CHUNK) {
      const chunk = leases.slice(start, start + COMPLETE_CHUNK);
      for (const row of await completeChunk(trx, chunk, workerId, now)) {
        done.add(row.id);
        if (row.orderingKey !== null) keys.add(row.orderingKey);
      }
    }
    await recomputeHeads(trx, [...keys]);
    return done;
  });
}

async function completeChunk(db: Kysely<Database>, chunk: readonly Lease[], workerId: string, now: number) {
  await lockOrderingKeys(db, keysOf(sql`id in (${sql.join(chunk.map((l) => l.id))}) and status = 'leased'`));
  return db
    .updateTable('outbox')
    .set({ status: 'done', leaseOwner: null, completedAt: now, updatedAt: now })
    .where((eb) => heldAmong(eb, chunk, workerId))
    .returning(['id', 'orderingKey'])
    .execute();
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
  return transactional(db, async (trx) => {
    await lockOrderingKeys(trx, keysOf(sql`id = ${lease.id}`));
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'dead', leaseOwner: null, lastError: options.errorCode, updatedAt: options.now })
      .where((eb) => heldBy(eb, lease, options.workerId))
      .returning('orderingKey')
      .executeTakeFirst();
    if (row === undefined) return false;
    await recomputeHeads(trx, [row.orderingKey]);
    return true;
  });
}

/**
 * Pushes the expiry of every lease this worker still holds among `leases` to `until`, one statement per 500, and
 * returns the ids renewed: a lease missing from it was lost (taken over after it ran out, or the job ended), and
 * the work under it must stop, as its outcome will not count. A lease taken over and claimed again by this very
 * worker has another attempt count, so the old one is not renewed either.
 */
export async function renewHeld(
  db: Kysely<Database>,
  leases: readonly Lease[],
  options: { workerId: string; until: number; now: number },
): Promise<Set<number>> {
  const renewed = new Set<number>();
  for (let start = 0; start < leases.length; start += COMPLETE_CHUNK) {
    const chunk = leases.slice(start, start + COMPLETE_CHUNK);
    const rows = await db
      .updateTable('outbox')
      .set({ availableAt: options.until, updatedAt: options.now })
      .where((eb) => heldAmong(eb, chunk, options.workerId))
      .returning('id')
      .execute();
    for (const row of rows) renewed.add(row.id);
  }
  return renewed;
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

/**
 * Rewrites the jobs `where` selects with `set`, changing which jobs of their keys are live: their keys are locked
 * first and their heads recomputed after (recomputeHeads), in one transaction. Returns how many jobs changed.
 */
async function rewriteJobs(
  db: Kysely<Database>,
  where: ReturnType<typeof sql>,
  set: UpdateObject<Database, 'outbox'>,
): Promise<number> {
  return transactional(db, async (trx) => {
    await lockOrderingKeys(trx, keysOf(where));
    const rows = await trx
      .updateTable('outbox')
      .set(set)
      .where(sql<boolean>`${where}`)
      .returning('orderingKey')
      .execute();
    await recomputeHeads(
      trx,
      rows.map((r) => r.orderingKey),
    );
    return rows.length;
  });
}

/**
 * Parks a link's pending jobs (its installation was removed): kept as `parked`, which no claim reads, instead of
 * failing their way to dead letters against a CRM that no longer accepts them. Jobs in flight finish or come back
 * through parkHeld. Attempts and ids stay, so unparking resumes them in their order.
 */
export async function parkLinkJobs(db: Kysely<Database>, linkId: string, now: number): Promise<number> {
  // The live list as the link index spells it, so SQLite's planner can use the index, then the one status.
  return rewriteJobs(db, sql`link_id = ${linkId} and ${live()} and status = 'pending'`, {
    status: 'parked',
    updatedAt: now,
  });
}

/** Makes a link's parked jobs pending and due now; their ids, hence their order per ordering key, stay. */
export async function unparkLinkJobs(db: Kysely<Database>, linkId: string, now: number): Promise<number> {
  return rewriteJobs(db, sql`link_id = ${linkId} and status = 'parked'`, {
    status: 'pending',
    availableAt: now,
    updatedAt: now,
  });
}

/**
 * A job claimed while its link is parked goes back to `parked` untried: the attempt the claim counted is given
 * back, since the job never reached its target. Acts only while this worker still holds it (see heldBy).
 *
 * The link is read again here, in the committing transaction: an install may have unparked it since the worker
 * looked, and its unparkLinkJobs cannot see a job that was leased at the time, so parking it now would strand it
 * until the next install. Then the job becomes pending and due instead. On PostgreSQL the link row is read FOR
 * SHARE: an install that is unparking holds its row lock until it commits, so this waits and sees the outcome;
 * SQLite runs one writing transaction at a time anyway.
 */
export async function parkHeld(db: Kysely<Database>, lease: Lease, workerId: string, now: number): Promise<boolean> {
  return transactional(db, (trx) => parkHeldIn(trx, lease, workerId, now));
}

async function parkHeldIn(db: Kysely<Database>, lease: Lease, workerId: string, now: number): Promise<boolean> {
  const lock = dialectOf(db) === 'postgres' ? sql`for share of l` : sql``;
  const { rows } = await sql<{ parkedAt: number | null }>`
    select l.parked_at from outbox o join links l on l.id = o.link_id where o.id = ${lease.id} ${lock}`.execute(db);
  const stillParked = rows[0]?.parkedAt != null;
  // Parked, the job stops being live, and its key's head moves on; pending, it stays live and nothing moves.
  if (stillParked) await lockOrderingKeys(db, keysOf(sql`id = ${lease.id}`));
  const updated = await db
    .updateTable('outbox')
    .set({
      status: stillParked ? 'parked' : 'pending',
      // The retry budget is attempts - lost_leases: given back only while that stays at 0 or above (a takeover's
      // claim counted no attempt of the budget, yet the claim before it did).
      attempts: sql<number>`case when attempts > lost_leases then attempts - 1 else attempts end`,
      leaseOwner: null,
      availableAt: now,
      updatedAt: now,
    })
    .where((eb) => heldBy(eb, lease, workerId))
    .returning('orderingKey')
    .executeTakeFirst();
  if (updated === undefined) return false;
  if (stillParked) await recomputeHeads(db, [updated.orderingKey]);
  return true;
}

export interface DeadLetterFilter {
  ids?: readonly number[];
  kind?: string;
  linkId?: string;
}

/**
 * The replay command's backend: dead jobs matching every given filter become due now with a fresh budget, lost
 * leases included (a job dead as `worker_lost` gets MAX_LOST_LEASES takeovers again once its cause is fixed).
 */
export async function requeueDeadLetters(db: Kysely<Database>, filter: DeadLetterFilter, now: number): Promise<number> {
  if (filter.ids?.length === 0) return 0;
  const matching = sql.join(
    [
      sql`status = 'dead'`,
      ...(filter.ids === undefined ? [] : [sql`id in (${sql.join([...filter.ids])})`]),
      ...(filter.kind === undefined ? [] : [sql`kind = ${filter.kind}`]),
      ...(filter.linkId === undefined ? [] : [sql`link_id = ${filter.linkId}`]),
    ],
    sql` and `,
  );
  return rewriteJobs(db, matching, {
    status: 'pending',
    attempts: 0,
    lostLeases: 0,
    availableAt: now,
    leaseOwner: null,
    updatedAt: now,
  });
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

/**
 * Job counts per status, for metrics and readiness. The jobs not done are counted through their partial index
 * (outbox_undone_index, covering), so that part costs the backlog and the dead letters kept, not the table. The done
 * jobs are nearly all of the table: counting them (through their own partial index) grows with it, so a caller that
 * runs often can pass `{ done: false }` and leave them out.
 */
export async function countJobs(db: Kysely<Database>): Promise<Record<OutboxStatus, number>>;
export async function countJobs(
  db: Kysely<Database>,
  options: { done: false },
): Promise<Record<Exclude<OutboxStatus, 'done'>, number>>;
export async function countJobs(
  db: Kysely<Database>,
  options: { done?: boolean } = {},
): Promise<Partial<Record<OutboxStatus, number>>> {
  const { rows } = await sql<{ status: OutboxStatus; n: number }>`
    select status, count(*) as n from outbox where status <> 'done' group by status`.execute(db);
  const counts: Partial<Record<OutboxStatus, number>> = { pending: 0, leased: 0, dead: 0, parked: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  if (options.done === false) return counts;
  const done = await sql<{ n: number }>`select count(*) as n from outbox where status = 'done'`.execute(db);
  return { ...counts, done: Number(done.rows[0]?.n ?? 0) };
}
