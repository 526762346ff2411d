import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

export type SavepointOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` inside a savepoint of the caller's transaction: a failure rolls back only its own writes and comes back
 * as data, so the rest of a group commit goes on. The name is fixed: savepoints of one transaction never nest here.
 */
export async function inSavepoint<T>(trx: Kysely<Database>, work: () => Promise<T>): Promise<SavepointOutcome<T>> {
  await sql`savepoint batch_item`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint batch_item`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint batch_item`.execute(trx);
    await sql`release savepoint batch_item`.execute(trx);
    return { ok: false, error };
  }
}
