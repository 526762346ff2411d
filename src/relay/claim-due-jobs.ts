import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../store/dialect-of';
import type { ClaimOptions, OutboxJob } from '../store/outbox-repo';
import type { Database } from '../store/schema';

/** How many of the oldest due jobs the second pass searches for jobs without an ordering key. */
const KEYLESS_WINDOW = 1000;

/** Live jobs, spelled as the partial indexes' predicate so SQLite's planner can use them. */
const live = (alias = '') => sql.raw(`${alias === '' ? '' : `${alias}.`}status in ('pending', 'leased')`);

/**
 * claimDue's contract (lease up to `limit` due jobs and count an attempt; a job waits while an older job of its
 * ordering key is pending or leased, or any job of it is in flight; oldest first), at a cost bounded by the work
 * rather than the backlog.
 *
 * claimDue tests every due job for an older live one. Once every conversation's head is in flight, which is where a
 * busy worker with fewer conversations than its concurrency lives, each claim walks the whole backlog to find
 * nothing. Here the first pass looks at the `window` oldest due jobs only (default 4 x limit); when that does not
 * fill the claim, a second pass takes the heads of the ordering keys (a skip-scan over the ordering index, one probe
 * per key that has live jobs) and jobs without a key among the oldest KEYLESS_WINDOW due ones, which under a deeper
 * backlog wait their turn. Both passes use literal status lists, so SQLite's planner matches the partial indexes. Call it inside a transaction to make the two passes one claim.
 */
export async function claimDueJobs(
  db: Kysely<Database>,
  options: ClaimOptions & { window?: number },
): Promise<OutboxJob[]> {
  const window = options.window ?? Math.max(64, 4 * options.limit);
  const first = await lease(db, options, windowCandidates(options.now, window));
  if (first.length >= options.limit) return first;
  // A window that held every due job already offered each key's head and every keyless job: the second pass could
  // only find what the first one just leased. Under a shallow backlog (the steady state) this halves the claim.
  // The jobs just leased were due a moment ago and count towards what the window held.
  if ((await countDue(db, options.now, window)) + first.length < window) return first;
  const rest = await lease(
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

async function lease(db: Kysely<Database>, options: ClaimOptions, candidates: ReturnType<typeof sql>) {
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
