import { type Kysely, sql } from 'kysely';
import { firstOfEachKey } from './first-of-each-key';
import type { BatchWriter } from './group-commit';
import type { IngressResult, IngressRow } from './ingress-row';
import { ORDERING_KEY_LOCKS } from './lock-ordering-keys';
import { oldestOfKeys } from './oldest-of-keys';
import type { Database } from './schema';
import { writeHeadMarks } from './write-head-marks';

interface Written {
  hook: string | null;
  id: number | null;
  orderingKey: string | null;
  granted: boolean | null;
}

/**
 * writeIngressBatch for PostgreSQL, where every statement is a round trip and the group commit waits for each: the
 * batch's inbox rows, their jobs (only for hooks that were new) and the shared locks of the jobs' ordering keys in one
 * statement, then the head marks in a second (writeHeadMarks), so the marks read a snapshot taken after the locks,
 * exactly as markNewHeads orders them. With BEGIN and COMMIT that is four round trips a batch instead of six.
 */
export function writeIngressBatchPostgres(now: () => number = Date.now): BatchWriter<IngressRow, IngressResult> {
  return async (trx: Kysely<Database>, rows: readonly IngressRow[]) => {
    const firstIndexes = firstOfEachKey(rows);
    const firsts = firstIndexes.map((i) => rows[i] as IngressRow);
    const jobs = firsts.flatMap((row) => (row.job ? [{ hook: row.event.dedupeKey, job: row.job }] : []));
    const at = now();
    const { rows: written } = await sql<Written>`
      with h as (
        insert into inbox (dedupe_key, link_id, kind, payload, received_at)
        select * from unnest(
          ${firsts.map((r) => r.event.dedupeKey)}::text[], ${firsts.map((r) => r.event.linkId ?? null)}::text[],
          ${firsts.map((r) => r.event.kind)}::text[], ${firsts.map((r) => r.event.payload)}::text[],
          ${firsts.map((r) => r.event.receivedAt)}::bigint[])
        on conflict (dedupe_key) do nothing
        returning dedupe_key
      ), j as (
        insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
          created_at, updated_at)
        select x.idempotency_key, x.kind, x.payload, x.link_id, x.ordering_key, 'pending', 0, x.available_at, ${at},
          ${at}
        from unnest(
          ${jobs.map((j) => j.hook)}::text[], ${jobs.map((j) => j.job.idempotencyKey)}::text[],
          ${jobs.map((j) => j.job.kind)}::text[], ${jobs.map((j) => j.job.payload)}::text[],
          ${jobs.map((j) => j.job.linkId ?? null)}::text[], ${jobs.map((j) => j.job.orderingKey ?? null)}::text[],
          ${jobs.map((j) => j.job.availableAt ?? at)}::bigint[]
        ) with ordinality as x(hook, idempotency_key, kind, payload, link_id, ordering_key, available_at, n)
        where x.hook in (select dedupe_key from h)
        order by x.n
        on conflict (idempotency_key) do nothing
        returning id, ordering_key
      )
      select dedupe_key as hook, null::bigint as id, null::text as ordering_key, null::boolean as granted from h
      union all
      select null, id, ordering_key, null from j
      union all
      select null, null, k, pg_try_advisory_xact_lock_shared(${sql.lit(ORDERING_KEY_LOCKS)}, hashtext(k))
        from (select distinct ordering_key as k from j where ordering_key is not null) keys`.execute(trx);
    const isNew = new Set<string>();
    const keyed: { id: number; orderingKey: string }[] = [];
    const refused = new Set<string>();
    for (const w of written) {
      if (w.hook !== null) isNew.add(w.hook);
      else if (w.id !== null && w.orderingKey !== null) keyed.push({ id: Number(w.id), orderingKey: w.orderingKey });
      else if (w.granted === false && w.orderingKey !== null) refused.add(w.orderingKey);
    }
    if (keyed.length > 0) await writeHeadMarks(trx, keyed, new Set(oldestOfKeys(keyed, refused)));
    const first = new Set(firstIndexes);
    return rows.map((row, i) => (first.has(i) && isNew.has(row.event.dedupeKey) ? 'new' : 'duplicate'));
  };
}
