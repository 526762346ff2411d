import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** When each of these inbox dedupe keys was received, for the ones the inbox holds (a hook, or one recovered). */
export async function findHeldHooks(db: Kysely<Database>, dedupeKeys: readonly string[]): Promise<Map<string, number>> {
  if (dedupeKeys.length === 0) return new Map();
  const rows = await db
    .selectFrom('inbox')
    .select(['dedupeKey', 'receivedAt'])
    .where('dedupeKey', 'in', [...dedupeKeys])
    .execute();
  return new Map(rows.map((row) => [row.dedupeKey, Number(row.receivedAt)]));
}
