import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { dialectOf } from '../dialect-of';
import { isUniqueViolation } from '../is-unique-violation';
import type { Database } from '../schema';
import { deliveryBreaker } from './delivery-breaker';
import { dropUndoneKindIndex } from './drop-undone-kind-index';
import { fairClaimIndexes } from './fair-claim-indexes';
import { growthIndexes } from './growth-indexes';
import { initialSchema } from './initial-schema';
import { installations } from './installations';
import { keyHeads } from './key-heads';
import { lostLeases } from './lost-leases';
import { lowerCaseAmojoIds } from './lower-case-amojo-ids';
import { mediaFiles } from './media-files';
import { mediaUsage } from './media-usage';
import { pendingLinks } from './pending-links';
import { rateLimits } from './rate-limits';
import { retentionIndexes } from './retention-indexes';
import { sources } from './sources';

// Listed in code rather than read from a folder so the same build works under tsx, bundled, or anywhere else.
// Names sort in the order they must run.
const migrations: Record<string, Migration> = {
  '0001_initial_schema': initialSchema,
  '0002_lower_case_amojo_ids': lowerCaseAmojoIds,
  '0003_pending_links': pendingLinks,
  '0004_retention_indexes': retentionIndexes,
  '0005_fair_claim_indexes': fairClaimIndexes,
  '0006_rate_limits': rateLimits,
  '0007_media_usage': mediaUsage,
  '0008_installations': installations,
  '0009_delivery_breaker': deliveryBreaker,
  '0010_sources': sources,
  '0011_growth_indexes': growthIndexes,
  '0012_lost_leases': lostLeases,
  '0013_media_files': mediaFiles,
  '0014_key_heads': keyHeads,
  '0015_drop_undone_kind_index': dropUndoneKindIndex,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrateOptions {
  /** PostgreSQL schema to create and migrate; pass OpenedDatabase.schema. Default: the current schema. */
  schema?: string | null;
}

/**
 * Brings the schema up to date. Safe on every start, from several processes at once, and after a crash in the
 * middle of a migration: each run is one transaction, serialised by an advisory lock (PostgreSQL, Kysely's
 * own) or by holding SQLite's write lock for the whole run. Run it before anything else uses `db`.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  // Migrations spell out snake_case names; the CamelCasePlugin would also rewrite Kysely's own bookkeeping.
  const plain = db.withoutPlugins();
  if (dialectOf(plain) === 'sqlite') return migrateSqlite(plain);
  const schema = options.schema ?? (await currentSchema(plain));
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(plain);
  } catch (error) {
    // Two processes creating the schema at the same moment: one of them wins, which is all we need.
    if (!isUniqueViolation(error)) throw error;
  }
  return run(new Migrator({ db: plain, provider, migrationTableSchema: schema }));
}

// Kysely runs SQLite migrations outside any transaction (its adapter reports no transactional DDL, though SQLite
// has it), so a crash could leave half a migration behind and two processes could race. Holding the single
// connection inside BEGIN IMMEDIATE fixes both: the run commits whole, and another process waits its turn.
// Foreign keys are off for the run, since a table rebuild (0010's links) drops a table others reference; SQLite
// ignores that pragma inside a transaction, hence before BEGIN. foreign_key_check then proves, before the commit,
// that every reference still resolves after any migration ran; the connection's own setting comes back in any case.
async function migrateSqlite(db: Kysely<Database>): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(connection);
    const enforced = rows[0]?.foreign_keys === 1;
    await sql`pragma foreign_keys = off`.execute(connection);
    try {
      await sql`begin immediate`.execute(connection);
      try {
        const applied = await run(new Migrator({ db: connection, provider }));
        // Skipped when nothing ran: it reads every referencing table, which is a needless cost on every start.
        const { rows: broken } =
          applied.length === 0
            ? { rows: [] }
            : await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(connection);
        if (broken.length > 0) {
          const first = broken[0];
          throw new Error(
            `database migration broke ${broken.length} foreign key(s), first ${first?.table} -> ${first?.parent}`,
          );
        }
        await sql`commit`.execute(connection);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    } finally {
      if (enforced) await sql`pragma foreign_keys = on`.execute(connection);
    }
  });
}

async function run(migrator: Migrator): Promise<string[]> {
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
  return results.map((r) => r.migrationName);
}

// Kysely's Migrator looks for its table in every schema unless told which one, so a second schema in the same
// database (a test run, another app) could fool it; naming the current schema avoids that.
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: the search_path names no existing schema');
  return schema;
}
