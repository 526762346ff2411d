import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceOrderingKey } from '../../src/jobs/ordering-keys';
import { queueSourceSyncs } from '../../src/relay/queue-source-syncs';
import { setLinkParked, setLinkSource, unlinkLinkById } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { seedLink } from '../store/helpers/seed-link';

const NOW = 1_800_000_000_000;

describe('queueSourceSyncs (the startup sweep)', () => {
  let opened: ReturnType<typeof openDatabase>;
  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
  });
  afterEach(() => opened.close());

  const syncJobs = () =>
    opened.db
      .selectFrom('outbox')
      .select(['kind', 'linkId', 'orderingKey', 'status'])
      .where('kind', '=', 'amocrm.sync_source')
      .orderBy('id')
      .execute();

  it('queues one sync per live, unparked link still pending, once, within the limit', async () => {
    const { db } = opened;
    const pending = await seedLink(db);
    const alsoPending = await seedLink(db);
    const synced = await seedLink(db);
    await setLinkSource(db, synced.id, { sourceId: 7, sourceState: 'synced', sourceError: null }, NOW);
    const unlinked = await seedLink(db);
    await unlinkLinkById(db, unlinked.id, NOW);
    const parked = await seedLink(db);
    await setLinkParked(db, parked.accountId, true, NOW);

    expect(await queueSourceSyncs(db, NOW, 1)).toBe(1);
    expect(await queueSourceSyncs(db, NOW)).toBe(1);
    const jobs = await syncJobs();
    expect(jobs.map((j) => j.linkId).sort()).toEqual([pending.id, alsoPending.id].sort());
    for (const job of jobs) {
      expect(job).toMatchObject({ orderingKey: sourceOrderingKey(job.linkId ?? ''), status: 'pending' });
    }
    // A restart while they wait queues nothing more.
    expect(await queueSourceSyncs(db, NOW + 1)).toBe(0);
    expect(await syncJobs()).toHaveLength(2);
  });

  it('queues the deletion of an unlinked link’s source still at amoCRM, unless the link is parked', async () => {
    const { db } = opened;
    const orphan = await seedLink(db);
    await setLinkSource(db, orphan.id, { sourceId: 8, sourceState: 'failed', sourceError: 'amocrm_x' }, NOW);
    await unlinkLinkById(db, orphan.id, NOW);
    const parkedOrphan = await seedLink(db);
    await setLinkSource(db, parkedOrphan.id, { sourceId: 9, sourceState: 'synced', sourceError: null }, NOW);
    await unlinkLinkById(db, parkedOrphan.id, NOW);
    await setLinkParked(db, parkedOrphan.accountId, true, NOW);
    const cleared = await seedLink(db);
    await unlinkLinkById(db, cleared.id, NOW);

    expect(await queueSourceSyncs(db, NOW)).toBe(1);
    expect((await syncJobs()).map((job) => job.linkId)).toEqual([orphan.id]);
    expect(await queueSourceSyncs(db, NOW + 1)).toBe(0);
  });
});
