import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from './dialect-of';

export type RowsColumnType = 'bigint' | 'integer' | 'text';

/**
 * A CTE `name(columns) as (...)` holding `rows` (one value per column, in `columns`' order), so a batch of jobs is
 * written by one set-based statement (`update ... from name`) instead of one statement each. Every batch size gives
 * the same statement text with one parameter (SQLite: the rows as JSON through json_each) or one per column
 * (PostgreSQL: an array each, through unnest): a list of VALUES or IN items would give each size a statement of its
 * own, which SQLite prepares again and PostgreSQL plans again, and whose length runs into SQLite's parameter limit.
 */
export function rowsTable(
  dialect: DialectName,
  name: string,
  columns: Readonly<Record<string, RowsColumnType>>,
  rows: readonly (readonly (string | number | null)[])[],
): RawBuilder<unknown> {
  const entries = Object.entries(columns);
  const head = sql`${sql.id(name)}(${sql.join(entries.map(([column]) => sql.id(column)))})`;
  if (dialect === 'postgres') {
    const arrays = entries.map(([, type], i) => sql`${rows.map((row) => row[i] ?? null)}::${sql.raw(type)}[]`);
    return sql`${head} as (select * from unnest(${sql.join(arrays)}))`;
  }
  const values = entries.map((_, i) => sql`json_extract(value, ${sql.lit(`$[${i}]`)})`);
  return sql`${head} as (select ${sql.join(values)} from json_each(${JSON.stringify(rows)}))`;
}
