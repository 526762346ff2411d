import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { findLinkByAccountId } from '../../../src/store/links-repo';
import { fairClaimIndexes } from '../../../src/store/migrations/fair-claim-indexes';
import { initialSchema } from '../../../src/store/migrations/initial-schema';
import { lowerCaseAmojoIds } from '../../../src/store/migrations/lower-case-amojo-ids';
import { mediaUsage } from '../../../src/store/migrations/media-usage';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { pendingLinks } from '../../../src/store/migrations/pending-links';
import { rateLimits } from '../../../src/store/migrations/rate-limits';
import { retentionIndexes } from '../../../src/store/migrations/retention-indexes';
import { openDatabase } from '../../../src/store/open-database';
import { enqueue, findJob, parkLinkJobs } from '../../../src/store/outbox-repo';
import type { Database } from '../../../src/store/schema';
import { seedLegacyLink } from '../helpers/seed-legacy-link';
import { describeEachDatabase } from '../helpers/test-databases';

const T0 = 1_700_000_000_000;

// The schema as the release before 0008 left it, under the same names, so migrateToLatest applies 0008 and the later ones.
const released: Record<string, Migration> = {
  '0001_initial_schema': initialSchema,
  '0002_lower_case_amojo_ids': lowerCaseAmojoIds,
  '0003_pending_links': pendingLinks,
  '0004_retention_indexes': retentionIndexes,
  '0005_fair_claim_indexes': fairClaimIndexes,
  '0006_rate_limits': rateLimits,
  '0007_media_usage': mediaUsage,
};

describeEachDatabase('migration 0008: installations, leases, parked links and jobs', (t) => {
  async function outboxIndexes(db: Kysely<Database>): Promise<string[]> {
    const { rows } =
      t.dialect === 'postgres'
        ? await sql<{ name: string }>`
            select indexname as name from pg_indexes where tablename = 'outbox' and schemaname = current_schema()`.execute(
            db,
          )
        : await sql<{ name: string }>`
            select name from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null`.execute(
            db,
          );
    return rows.map((r) => r.name).sort();
  }

  it('keeps every row, id, index and constraint of a database migrated to 0007, and allows parked jobs', async () => {
    const opened = openDatabase(t.freshUrl?.() ?? 'sqlite::memory:');
    try {
      const { db, schema } = opened;
      if (schema) await sql`create schema ${sql.id(schema)}`.execute(db);
      const migrator = new Migrator({
        db: db.withoutPlugins(),
        provider: { getMigrations: async () => released },
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();

      const link = await seedLegacyLink(db);
      const ids: number[] = [];
      for (const key of ['a', 'b', 'c', 'd', 'gone']) {
        ids.push((await enqueue(db, { idempotencyKey: key, kind: 'k', payload: '{}', linkId: link.id }, T0)).job.id);
      }
      // Leased as a claim of 0007's code did (today's claimDue also counts lost leases, a column added in 0012).
      await db
        .updateTable('outbox')
        .set({ status: 'leased', leaseOwner: 'w', attempts: 1, availableAt: T0 + 1000 })
        .where('idempotencyKey', '=', 'a')
        .execute();
      await db
        .updateTable('outbox')
        .set({ status: 'dead', lastError: 'x' })
        .where('idempotencyKey', '=', 'c')
        .execute();
      await db
        .updateTable('outbox')
        .set({ status: 'done', completedAt: T0 })
        .where('idempotencyKey', '=', 'd')
        .execute();
      // The newest job is gone (pruned): its id must still never be handed out again.
      await db.deleteFrom('outbox').where('idempotencyKey', '=', 'gone').execute();
      const before = await db.selectFrom('outbox').selectAll().orderBy('id').execute();
      const indexesBefore = await outboxIndexes(db);

      expect(await migrateToLatest(db, { schema })).toEqual([
        '0008_installations',
        '0009_delivery_breaker',
        '0010_sources',
        '0011_growth_indexes',
        '0012_lost_leases',
        '0013_media_files',
        '0014_key_heads',
        '0015_drop_undone_kind_index',
      ]);

      // Every row as it was, plus 0012's lost-lease count and 0014's head mark (no job has an ordering key) at
      // their defaults.
      expect(await db.selectFrom('outbox').selectAll().orderBy('id').execute()).toEqual(
        before.map((row) => ({ ...row, lostLeases: 0, isHead: 0 })),
      );
      expect(await outboxIndexes(db)).toEqual(
        [
          ...indexesBefore,
          'outbox_head_due_index',
          'outbox_head_key_index',
          'outbox_keyless_due_index',
          'outbox_parked_index',
          'outbox_undone_index',
        ].sort(),
      );
      expect(await findLinkByAccountId(db, link.accountId)).toMatchObject({ id: link.id, parkedAt: null });
      const next = await enqueue(db, { idempotencyKey: 'e', kind: 'k', payload: '{}', linkId: link.id }, T0);
      expect(next.job.id).toBeGreaterThan(Math.max(...ids));

      expect(await parkLinkJobs(db, link.id, T0 + 1)).toBe(2); // b and e; a is leased, c dead, d done
      expect((await findJob(db, ids[1] ?? 0))?.status).toBe('parked');
      await expect(
        db
          .updateTable('outbox')
          .set({ status: 'bogus' as never })
          .where('id', '=', next.job.id)
          .execute(),
      ).rejects.toThrow();
      // The foreign key to links survived the rebuild.
      await expect(
        enqueue(db, { idempotencyKey: 'orphan', kind: 'k', payload: '{}', linkId: 'no-such-link' }, T0),
      ).rejects.toThrow();

      await db.insertInto('leases').values({ name: 'n', owner: 'o', counter: 1, expiresAt: T0 }).execute();
      expect(await db.selectFrom('installations').selectAll().execute()).toEqual([]);
      expect(await migrateToLatest(db, { schema })).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
