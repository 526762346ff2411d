import { type Kysely, sql } from 'kysely';
import { recomputeHeads } from './recompute-heads';
import type { Database } from './schema';

/**
 * Gives the right head back to every ordering key whose oldest live job is not marked (returns how many keys it
 * repaired). No write of this code leaves one so (recomputeHeads), but a process of a version before migration 0014
 * still running beside the migrated ones (a rolling deploy) adds jobs without the mark, and finishes, dead-letters or
 * requeues jobs without moving it: a mark left on a finished job, or on a newer job than a requeued one, counts as
 * none. The claim, which reads only live heads, would never run that conversation again. It walks every key with live jobs (a skip-scan of outbox_ordering_index, one probe of
 * outbox_head_key_index per key): what the claim no longer does on every turn, done now and then instead.
 */
export async function repairHeadlessKeys(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ k: string }>`
    with recursive keys(k) as (
      select min(ordering_key) from outbox where status in ('pending', 'leased') and ordering_key is not null
      union all
      select (select min(ordering_key) from outbox
          where status in ('pending', 'leased') and ordering_key is not null and ordering_key > keys.k)
        from keys where keys.k is not null
    )
    select keys.k from keys
      where keys.k is not null
        and not exists (
          select 1 from outbox h
            where h.is_head = 1 and h.ordering_key = keys.k and h.status in ('pending', 'leased')
              and h.id = (select min(m.id) from outbox m
                where m.ordering_key = keys.k and m.status in ('pending', 'leased') and m.ordering_key is not null)
        )`.execute(db);
  if (rows.length === 0) return 0;
  const keys = rows.map((row) => row.k);
  await db.transaction().execute((trx) => recomputeHeads(trx, keys));
  return keys.length;
}
