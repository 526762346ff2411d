import type { Kysely } from 'kysely';
import { sourceSyncJob } from '../jobs/amocrm-jobs';
import { listLinksNeedingSourceSync } from '../store/links-repo';
import { enqueueMany } from '../store/outbox-repo';
import type { Database } from '../store/schema';

/**
 * At most this many links per start. Links migrated from the single-link era are one per account; a larger backlog
 * is finished by the next starts, and a start never waits on an unbounded scan.
 */
export const SOURCE_SYNC_SWEEP_LIMIT = 5000;

/**
 * Queues a source sync for every unparked link whose source needs one and has no sync waiting
 * (listLinksNeedingSourceSync): live links that predate sources (migration 0010) or whose queued sync was lost, and
 * unlinked links whose source deletion was lost or gave up. Run once at start, after the migrations.
 * Syncs are idempotent, so two processes starting together at worst queue one link twice. Returns how many it queued.
 */
export async function queueSourceSyncs(
  db: Kysely<Database>,
  now: number,
  limit: number = SOURCE_SYNC_SWEEP_LIMIT,
): Promise<number> {
  const links = await listLinksNeedingSourceSync(db, limit);
  const created = await enqueueMany(
    db,
    links.map((link) => sourceSyncJob(link.id, now)),
    now,
  );
  return created.size;
}
