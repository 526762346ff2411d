import type { Insertable, Kysely } from 'kysely';
import { findByLinkAnd, type LinkKey, type LinkKeyedRow, type LinkKeyedTable } from './find-by-link-and';
import type { Database } from './schema';

const rowNames: Record<LinkKeyedTable, string> = { conversations: 'conversation', participants: 'participant' };

/**
 * Inserts `values` with `column` set to `value`, unless the link already has a row with that id; either way the
 * row holding it comes back. The insert does nothing on that conflict instead of failing, so concurrent callers
 * all get the one row and only the first sees `created`.
 */
export async function insertOrFind<T extends LinkKeyedTable>(
  db: Kysely<Database>,
  table: T,
  // The shared columns are spelled out because Kysely types an insert into either table by them.
  values: Insertable<Database[T]> & Insertable<Database[LinkKeyedTable]>,
  column: LinkKey<T>,
  value: string,
): Promise<{ row: LinkKeyedRow<T>; created: boolean }> {
  // Typed over both tables for the same reason as in findByLinkAnd.
  const key: LinkKey<LinkKeyedTable> = column;
  const inserted = await db
    .insertInto<LinkKeyedTable>(table)
    .values({ ...values, [key]: value })
    .onConflict((oc) => oc.columns(['linkId', key]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted as LinkKeyedRow<T>, created: true };
  const existing = await findByLinkAnd(db, table, values.linkId, column, value);
  if (!existing) throw new Error(`${rowNames[table]} conflicted on insert but was not found`);
  return { row: existing, created: false };
}
