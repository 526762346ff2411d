import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/store/schema';

export interface HeadReport {
  /** Keys with live jobs whose oldest live job is not marked. */
  headless: string[];
  /** Marked rows that are not live, or have no key. */
  dead: number[];
  /** Marked live rows that are not their key's oldest live job. */
  extra: number[];
  /** Each key's oldest live job (its rightful head). */
  heads: Map<string, number>;
}

/** Compares outbox `is_head` with its definition: a key's oldest live (pending or leased) job, nothing else. */
export async function checkHeads(db: Kysely<Database>): Promise<HeadReport> {
  const { rows } = await sql<{ id: number; orderingKey: string | null; status: string; isHead: number }>`
    select id, ordering_key, status, is_head from outbox order by id`.execute(db);
  const heads = new Map<string, number>();
  for (const r of rows) {
    const live = r.status === 'pending' || r.status === 'leased';
    if (live && r.orderingKey !== null && !heads.has(r.orderingKey)) heads.set(r.orderingKey, Number(r.id));
  }
  const marked = rows.filter((r) => Number(r.isHead) === 1);
  const markedIds = new Set(marked.map((r) => Number(r.id)));
  return {
    headless: [...heads].filter(([, id]) => !markedIds.has(id)).map(([key]) => key),
    dead: marked
      .filter((r) => r.orderingKey === null || (r.status !== 'pending' && r.status !== 'leased'))
      .map((r) => Number(r.id)),
    extra: marked
      .filter((r) => r.orderingKey !== null && heads.get(r.orderingKey) !== Number(r.id))
      .filter((r) => r.status === 'pending' || r.status === 'leased')
      .map((r) => Number(r.id)),
    heads,
  };
}
