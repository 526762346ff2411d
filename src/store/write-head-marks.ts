import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

// Rows per statement, well inside SQLite's 32766 bound parameters.
const CHUNK = 500;

/**
 * The write half of markNewHeads: of the keyed jobs just inserted in this transaction, marks `is_head` on those whose
 * key has no older live job, and on those in `forced` whatever this transaction sees; returns the ids marked.
 */
export async function writeHeadMarks(
  db: Kysely<Database>,
  keyed: readonly { id: number; orderingKey: string }[],
  forced: ReadonlySet<number>,
): Promise<Set<number>> {
  const marked = new Set<number>();
  const ids = keyed.map((r) => Number(r.id));
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const force = chunk.filter((id) => forced.has(id));
    const { rows: heads } = await sql<{ id: number }>`
      update outbox set is_head = 1
      where id in (${sql.join(chunk)}) and (
        ${force.length === 0 ? sql`1 = 0` : sql`id in (${sql.join(force)})`}
        or not exists (
          select 1 from outbox o where o.ordering_key = outbox.ordering_key and o.status in ('pending', 'leased')
            and o.ordering_key is not null and o.id < outbox.id
        )
      ) returning id`.execute(db);
    for (const head of heads) marked.add(Number(head.id));
  }
  return marked;
}
