import { type Kysely, PostgresAdapter } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Which SQL dialect a Kysely instance (or transaction) speaks, for the few queries that must differ.
 * getExecutor() is marked internal, but Kysely's own Migrator reads the adapter the same way and the
 * version is pinned.
 */
export function dialectOf<DB>(db: Kysely<DB>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
