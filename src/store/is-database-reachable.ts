import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';

/** Readiness: one round trip; any failure (closed pool, lost server, locked file) is simply "not ready". */
export function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  return sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
}
