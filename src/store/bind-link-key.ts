import type { Kysely } from 'kysely';
import type { LinkKey, LinkKeyedTable } from './find-by-link-and';
import { isUniqueViolation } from './is-unique-violation';
import type { Database } from './schema';

export type BindResult = 'bound' | 'already_bound' | 'conflict' | 'not_found';

/**
 * Sets `column` of row `id` to `value` if the row has none yet. An id already set is never replaced
 * ('already_bound' when it differs); an id another row of the link holds is a 'conflict'.
 */
export async function bindLinkKey<T extends LinkKeyedTable>(
  db: Kysely<Database>,
  table: T,
  id: string,
  column: LinkKey<T>,
  value: string,
  now: number,
): Promise<BindResult> {
  // Typed over both tables, as in findByLinkAnd: Kysely cannot resolve the columns of a generic table.
  const key: LinkKey<LinkKeyedTable> = column;
  try {
    const result = await db
      .updateTable<LinkKeyedTable>(table)
      .set({ [key]: value, updatedAt: now })
      .where('id', '=', id)
      .where(key, 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'bound';
  } catch (error) {
    if (isUniqueViolation(error)) return 'conflict';
    throw error;
  }
  const current = await db.selectFrom<LinkKeyedTable>(table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) return 'not_found';
  return current[key] === value ? 'bound' : 'already_bound';
}
