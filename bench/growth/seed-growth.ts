import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/schema';

/** Links the seeded rows spread over (one account each). */
export const GROWTH_LINKS = 4;

export interface GrowthShape {
  /** Outbox rows; as many inbox and messages rows. */
  rows: number;
  /** Pending jobs: 2% of the rows. */
  pending: number;
  /** Ordering keys the pending jobs spread over (each key's oldest one is its head). */
  keys: number;
  /** Conversations rows. */
  conversations: number;
}

export const growthShape = (rows: number): GrowthShape => {
  const pending = Math.floor(rows / 100) * 2;
  // Two pending jobs per key on average, so an outage leaves due jobs waiting behind every head; at most 12k keys.
  const keys = Math.max(1, Math.min(12_000, Math.floor(pending / 2)));
  return { rows, pending, keys, conversations: Math.max(keys, Math.floor(rows / 10)) };
};

const HOUR = 3_600_000;

/**
 * Fills a migrated, empty store with `rows` outbox jobs (97% done, 2% pending, 1% dead), one inbox hook and one
 * message per job, and the conversations they belong to; everything recent enough that the pruner deletes nothing, so
 * its pass costs only its scans. Each conversation's oldest pending job (its head) waits for a retry an hour away and
 * the rest are due: the outage. One INSERT ... SELECT per table from a row generator, inside one transaction, so a
 * million rows take seconds. SQL by hand: the seed is the bench's, not the application's.
 */
export async function seedGrowth(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', rows: number, now: number) {
  const { keys, conversations } = growthShape(rows);
  const pg = dialect === 'postgres';
  const gen = (n: number) =>
    pg ? sql`(select i::bigint as i from generate_series(0, ${sql.lit(n - 1)}) as s(i)) g` : sql`g`;
  const withGen = (n: number) =>
    pg ? sql`` : sql`with recursive g(i) as (select 0 union all select i + 1 from g where i < ${sql.lit(n - 1)})`;
  const cat = (...parts: ReturnType<typeof sql>[]) => sql.join(parts, sql` || `);
  const text = (e: ReturnType<typeof sql>) => (pg ? sql`(${e})::text` : sql`(${e})`);
  const link = (conv: ReturnType<typeof sql>) => cat(sql`'L'`, text(sql`${conv} % ${sql.lit(GROWTH_LINKS)}`));

  await db.transaction().execute(async (trx) => {
    for (let l = 0; l < GROWTH_LINKS; l++) {
      await sql`insert into accounts (account_id, subdomain, region, amojo_id, created_at, updated_at)
        values (${l + 1}, ${`acc${l}`}, 'ru', ${`amojo-${l}`}, ${sql.lit(now)}, ${sql.lit(now)})`.execute(trx);
      await sql`insert into links (id, account_id, scope_id, title, bridge_key_hash, created_at, updated_at)
        values (${`L${l}`}, ${l + 1}, ${`scope-${l}`}, ${`link ${l}`}, ${`key-hash-${l}`}, ${sql.lit(now)}, ${sql.lit(now)})`.execute(
        trx,
      );
    }
    const c = sql`g.i`;
    await sql`${withGen(conversations)}
      insert into conversations (id, link_id, conversation_id, amojo_chat_id, created_at, updated_at)
      select ${cat(sql`'c'`, text(c))}, ${link(c)}, ${cat(sql`'conv'`, text(c))}, ${cat(sql`'chat'`, text(c))},
        ${sql.lit(now - 24 * HOUR)}, ${sql.lit(now - HOUR)}
      from ${gen(conversations)}`.execute(trx);

    // Per job: its status by i % 100, and its conversation: a pending job's by its rank among the pending (the first
    // `keys` of them are the heads), any other's by i.
    const jobs = sql`(select i, st, s, case when st = 'pending' then s % ${sql.lit(keys)}
        else i % ${sql.lit(conversations)} end as conv
      from (select i, (i / 100) * 2 + (i % 100) - 97 as s,
        case when i % 100 < 97 then 'done' when i % 100 = 99 then 'dead' else 'pending' end as st
        from ${gen(rows)}) r) j`;
    // Even conversations deliver hooks to the messenger (bridge.deliver, which keep their hook; keyed as
    // bridgeDeliverJob keys them, which the pruner's probe relies on), odd ones send to amojo.
    const even = sql`j.conv % 2 = 0`;
    await sql`${withGen(rows)}
      insert into outbox (id, idempotency_key, kind, link_id, ordering_key, payload, status, attempts, available_at,
        lease_owner, last_error, created_at, updated_at, completed_at, is_head)
      select j.i + 1,
        case when ${even} then ${cat(sql`'bridge.deliver:hook-'`, text(sql`j.i`))} else ${cat(sql`'job-'`, text(sql`j.i`))} end,
        case when ${even} then 'bridge.deliver' else 'message' end,
        ${link(sql`j.conv`)},
        case when ${even} then ${cat(sql`'deliver:L'`, text(sql`j.conv % ${sql.lit(GROWTH_LINKS)}`), sql`':chat'`, text(sql`j.conv`))}
          else ${cat(sql`'conv:L'`, text(sql`j.conv % ${sql.lit(GROWTH_LINKS)}`), sql`':c'`, text(sql`j.conv`))} end,
        case when ${even} then ${cat(sql`'{"linkId":"L'`, text(sql`j.conv % ${sql.lit(GROWTH_LINKS)}`), sql`'","dedupeKey":"hook-'`, text(sql`j.i`), sql`'"}'`)}
          else '{}' end,
        j.st,
        case when j.st = 'pending' and j.s < ${sql.lit(keys)} then 1 when j.st = 'pending' then 0 else 1 end,
        case when j.st = 'pending' and j.s < ${sql.lit(keys)} then ${sql.lit(now + HOUR)}
          when j.st = 'pending' then ${sql.lit(now - 60_000)} else ${sql.lit(now - HOUR)} end,
        null, case when j.st = 'done' then null else 'http_503' end,
        ${sql.lit(now - 2 * HOUR)}, ${sql.lit(now - HOUR)}, case when j.st = 'done' then ${sql.lit(now - HOUR)} else null end,
        -- The heads, as recomputeHeads would mark them (outbox is_head, 0014): each key's oldest pending job.
        case when j.st = 'pending' and j.s < ${sql.lit(keys)} then 1 else 0 end
      from ${jobs}`.execute(trx);

    const conv = sql`(g.i % ${sql.lit(conversations)})`;
    await sql`${withGen(rows)}
      insert into messages (id, link_id, conversation_row_id, direction, our_msgid, amojo_msg_id, status, created_at,
        updated_at)
      select ${cat(sql`'m'`, text(sql`g.i`))}, ${link(conv)}, ${cat(sql`'c'`, text(conv))}, 'in',
        ${cat(sql`'our'`, text(sql`g.i`))}, ${cat(sql`'amojo'`, text(sql`g.i`))}, 0, ${sql.lit(now - 2 * HOUR)}, ${sql.lit(now - HOUR)}
      from ${gen(rows)}`.execute(trx);
    await sql`${withGen(rows)}
      insert into inbox (dedupe_key, link_id, kind, payload, received_at)
      select ${cat(sql`'hook-'`, text(sql`g.i`))}, ${link(conv)}, 'amojo.message', '{}', ${sql.lit(now - 24 * HOUR)}
      from ${gen(rows)}`.execute(trx);
    if (pg) await sql`select setval(pg_get_serial_sequence('outbox', 'id'), ${rows})`.execute(trx);
  });
  // PostgreSQL's autovacuum would gather statistics soon after such a load; SQLite is never analysed in production.
  if (pg) await sql`analyze`.execute(db);
}
