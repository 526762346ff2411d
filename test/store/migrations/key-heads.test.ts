import { type Migration, Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { deliveryBreaker } from '../../../src/store/migrations/delivery-breaker';
import { fairClaimIndexes } from '../../../src/store/migrations/fair-claim-indexes';
import { growthIndexes } from '../../../src/store/migrations/growth-indexes';
import { initialSchema } from '../../../src/store/migrations/initial-schema';
import { installations } from '../../../src/store/migrations/installations';
import { lostLeases } from '../../../src/store/migrations/lost-leases';
import { lowerCaseAmojoIds } from '../../../src/store/migrations/lower-case-amojo-ids';
import { mediaFiles } from '../../../src/store/migrations/media-files';
import { mediaUsage } from '../../../src/store/migrations/media-usage';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { pendingLinks } from '../../../src/store/migrations/pending-links';
import { rateLimits } from '../../../src/store/migrations/rate-limits';
import { retentionIndexes } from '../../../src/store/migrations/retention-indexes';
import { sources } from '../../../src/store/migrations/sources';
import { openDatabase } from '../../../src/store/open-database';
import { claimDue } from '../../../src/store/outbox-repo';
import type { OutboxStatus } from '../../../src/store/schema';
import { checkHeads } from '../helpers/check-heads';
import { describeEachDatabase } from '../helpers/test-databases';

const T0 = 1_700_000_000_000;

// The schema as the release before 0014 left it, under the same names, so migrateToLatest applies 0014 alone.
const released: Record<string, Migration> = {
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
};

describeEachDatabase('migration 0014: key heads', (t) => {
  it('marks the oldest live job of every ordering key of an existing outbox as its head, and nothing else', async () => {
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

      // Per key, in id order: its jobs' statuses. a's oldest is done and b's dead (neither can head), c has only
      // jobs that are not live, d's oldest live one is leased; keyless jobs never head.
      const seeded: [string | null, OutboxStatus][] = [
        ['a', 'done'],
        ['b', 'dead'],
        ['a', 'pending'],
        ['d', 'leased'],
        [null, 'pending'],
        ['b', 'parked'],
        ['c', 'done'],
        ['a', 'pending'],
        ['b', 'pending'],
        ['c', 'parked'],
        ['d', 'pending'],
        ['b', 'leased'],
      ];
      for (const [i, [key, status]] of seeded.entries()) {
        await db
          .insertInto('outbox')
          .values({
            idempotencyKey: `j${i}`,
            kind: 'k',
            payload: '{}',
            orderingKey: key,
            status,
            attempts: status === 'leased' ? 1 : 0,
            availableAt: status === 'leased' ? T0 + 60_000 : T0,
            leaseOwner: status === 'leased' ? 'w' : null,
            createdAt: T0,
            updatedAt: T0,
          })
          .execute();
      }
      const ids = (await db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id);

      expect(await migrateToLatest(db, { schema })).toEqual(['0014_key_heads', '0015_drop_undone_kind_index']);

      const marked = await db.selectFrom('outbox').select('id').where('isHead', '=', 1).orderBy('id').execute();
      // a: its first pending job (index 2); b: its pending job (8); d: its leased job (3).
      expect(marked.map((r) => r.id)).toEqual([ids[2], ids[3], ids[8]]);
      expect(await checkHeads(db)).toMatchObject({ headless: [], dead: [], extra: [] });
      // The claim finds the heads through the new index: a's, and the keyless job. d's head is in flight, and b's
      // waits for b's later job in flight (as a replayed dead job would).
      const claimed = await claimDue(db, { now: T0, limit: 10, leaseMs: 1000, workerId: 'w', window: 1 });
      expect(claimed.map((j) => j.id).sort((x, y) => x - y)).toEqual([ids[2], ids[4]]);
    } finally {
      await opened.close();
    }
  });
});
