import { expect, it } from 'vitest';
import { bridgeDeliverJob } from '../../src/jobs/bridge-deliver-job';
import { createPruner } from '../../src/relay/create-pruner';
import { findInboxEvent, insertInboxEvents } from '../../src/store/inbox-repo';
import { enqueue, findJobByKey } from '../../src/store/outbox-repo';
import type { OutboxStatus } from '../../src/store/schema';
import { markTokenSeen } from '../../src/store/token-ids-repo';
import { seedLink } from '../store/helpers/seed-link';
import { describeEachDatabase } from '../store/helpers/test-databases';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;
/** Nothing past RETENTION_DAYS in these tests (see prune-expired.test.ts for that). */
const NONE_EXPIRED = { deadJobs: 0, messages: 0, conversations: 0, participants: 0 };

describeEachDatabase('createPruner', (t) => {
  const hook = (dedupeKey: string, receivedAt: number) => ({
    dedupeKey,
    linkId: null,
    kind: 'message',
    payload: '{}',
    receivedAt,
  });

  /** A bridge.deliver job for `dedupeKey`, moved to `status` (done ones completed at `completedAt`). */
  async function deliverJob(
    linkId: string,
    dedupeKey: string,
    status: OutboxStatus,
    completedAt: number | null = null,
  ) {
    const { job } = await enqueue(t.db, bridgeDeliverJob(linkId, dedupeKey, 'chat-1'), NOW - 40 * DAY);
    await t.db.updateTable('outbox').set({ status, completedAt }).where('id', '=', job.id).execute();
    return job.idempotencyKey;
  }

  const pruner = (extra: { intervalMs?: number } = {}) => createPruner({ db: t.db, now: () => NOW, ...extra });
  const jobExists = async (key: string) => (await findJobByKey(t.db, key)) !== undefined;
  const hookExists = async (key: string) => (await findInboxEvent(t.db, key)) !== undefined;

  it('prunes mirrored media a day after the longest a link to them lives (7 days)', async () => {
    const cutoffs: number[] = [];
    const media = {
      prune: async (before: number) => {
        cutoffs.push(before);
        return 3;
      },
    };
    expect(await createPruner({ db: t.db, now: () => NOW, media }).runOnce()).toEqual({
      jobs: 0,
      inbox: 0,
      media: 3,
      tokens: 0,
      ...NONE_EXPIRED,
    });
    expect(cutoffs).toEqual([NOW - 8 * DAY]);
  });

  it('forgets used token ids once their tokens have expired, and only then', async () => {
    await markTokenSeen(t.db, 'jti-expired', NOW - 1);
    await markTokenSeen(t.db, 'jti-live', NOW + 60_000);
    expect(await pruner().runOnce()).toMatchObject({ tokens: 1 });
    // A live token's id is still remembered, so its replay stays refused.
    expect(await markTokenSeen(t.db, 'jti-live', NOW + 60_000)).toBe(false);
    expect(await markTokenSeen(t.db, 'jti-expired', NOW + 60_000)).toBe(true);
  });

  it('deletes done jobs past the retention and keeps recent done jobs and every job not done', async () => {
    const link = await seedLink(t.db);
    const oldDone = await deliverJob(link.id, 'k-old-done', 'done', NOW - 8 * DAY);
    const recentDone = await deliverJob(link.id, 'k-recent-done', 'done', NOW - 6 * DAY);
    const others = [
      await deliverJob(link.id, 'k-pending', 'pending'),
      await deliverJob(link.id, 'k-leased', 'leased'),
      await deliverJob(link.id, 'k-dead', 'dead'),
    ];
    expect(await pruner().runOnce()).toEqual({ jobs: 1, inbox: 0, media: 0, tokens: 0, ...NONE_EXPIRED });
    expect(await jobExists(oldDone)).toBe(false);
    expect(await jobExists(recentDone)).toBe(true);
    for (const key of others) expect(await jobExists(key)).toBe(true);
  });

  it('forgets old hooks, except those a pending, leased or dead bridge.deliver job still needs', async () => {
    const link = await seedLink(t.db);
    const old = NOW - 31 * DAY;
    await insertInboxEvents(t.db, [
      hook('h-orphan', old),
      hook('h-done', old),
      hook('h-pending', old),
      hook('h-leased', old),
      hook('h-dead', old),
      hook('h-recent', NOW - 29 * DAY),
    ]);
    await deliverJob(link.id, 'h-done', 'done', NOW - DAY);
    await deliverJob(link.id, 'h-pending', 'pending');
    await deliverJob(link.id, 'h-leased', 'leased');
    await deliverJob(link.id, 'h-dead', 'dead');

    expect(await pruner().runOnce()).toEqual({ jobs: 0, inbox: 2, media: 0, tokens: 0, ...NONE_EXPIRED });
    expect(await hookExists('h-orphan')).toBe(false);
    expect(await hookExists('h-done')).toBe(false);
    for (const key of ['h-pending', 'h-leased', 'h-dead', 'h-recent']) expect(await hookExists(key)).toBe(true);
    expect(await pruner().runOnce()).toEqual({ jobs: 0, inbox: 0, media: 0, tokens: 0, ...NONE_EXPIRED });
  });

  it('pages through many old hooks, sparing needed ones on either side of a page boundary', async () => {
    const link = await seedLink(t.db);
    const keys = Array.from({ length: 1203 }, (_, i) => `h-${String(i).padStart(5, '0')}`);
    await insertInboxEvents(
      t.db,
      keys.map((key) => hook(key, NOW - 60 * DAY)),
    );
    const spared = ['h-00000', 'h-00499', 'h-00500', 'h-01202'];
    for (const key of spared) await deliverJob(link.id, key, 'dead');
    expect(await pruner().runOnce()).toEqual({
      jobs: 0,
      inbox: keys.length - spared.length,
      media: 0,
      tokens: 0,
      ...NONE_EXPIRED,
    });
    const left = await t.db.selectFrom('inbox').select('dedupeKey').orderBy('dedupeKey').execute();
    expect(left.map((row) => row.dedupeKey)).toEqual(spared);
  });

  it('keeps no hook longer than RETENTION_DAYS when that is shorter than the hooks own 30 days', async () => {
    await insertInboxEvents(t.db, [hook('h-9-days', NOW - 9 * DAY), hook('h-7-days', NOW - 7 * DAY)]);
    const short = createPruner({ db: t.db, now: () => NOW, retentionMs: 8 * DAY });
    expect(await short.runOnce()).toMatchObject({ inbox: 1 });
    expect(await hookExists('h-9-days')).toBe(false);
    expect(await hookExists('h-7-days')).toBe(true);
  });

  it('runs at start and on its interval until stopped', async () => {
    await insertInboxEvents(t.db, [hook('first', NOW - 31 * DAY)]);
    const running = pruner({ intervalMs: 20 });
    running.start();
    await expect.poll(() => hookExists('first'), { timeout: 5000 }).toBe(false);
    await insertInboxEvents(t.db, [hook('second', NOW - 31 * DAY)]);
    await expect.poll(() => hookExists('second'), { timeout: 5000 }).toBe(false);
    await running.stop();
    await insertInboxEvents(t.db, [hook('after-stop', NOW - 31 * DAY)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await hookExists('after-stop')).toBe(true);
  });
});
