import { expect, it } from 'vitest';
import { bridgeDeliverJob } from '../../src/jobs/bridge-deliver-job';
import { findHooksStillNeeded } from '../../src/store/find-hooks-still-needed';
import { enqueueMany } from '../../src/store/outbox-repo';
import type { OutboxStatus } from '../../src/store/schema';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('findHooksStillNeeded', (t) => {
  /** bridge.deliver jobs for these hooks (as the webhook enqueues them), then moved to the given statuses. */
  async function deliveries(statuses: Record<string, OutboxStatus>) {
    const link = await seedLink(t.db);
    const keys = Object.keys(statuses);
    await enqueueMany(
      t.db,
      keys.map((key) => bridgeDeliverJob(link.id, key, `chat-${key}`)),
      T0,
    );
    for (const key of keys) {
      const status = statuses[key] ?? 'pending';
      await t.db
        .updateTable('outbox')
        .set({ status, completedAt: status === 'done' ? T0 : null })
        .where('idempotencyKey', '=', bridgeDeliverJob(link.id, key, '').idempotencyKey)
        .execute();
    }
    return link;
  }

  it('names the hooks a pending, leased, parked or dead delivery reads, and not a done one', async () => {
    await deliveries({
      'h-pending': 'pending',
      'h-leased': 'leased',
      'h-parked': 'parked',
      'h-dead': 'dead',
      'h-done': 'done',
    });
    const asked = ['h-pending', 'h-leased', 'h-parked', 'h-dead', 'h-done', 'h-no-job'];
    expect([...(await findHooksStillNeeded(t.db, asked))].sort()).toEqual([
      'h-dead',
      'h-leased',
      'h-parked',
      'h-pending',
    ]);
    // Only what is asked about: a needed hook left out of the question is not in the answer.
    expect([...(await findHooksStillNeeded(t.db, ['h-dead', 'h-done']))]).toEqual(['h-dead']);
    expect(await findHooksStillNeeded(t.db, [])).toEqual(new Set());
  });

  it('ignores jobs of other kinds, even one whose payload names the hook', async () => {
    const link = await seedLink(t.db);
    await enqueueMany(
      t.db,
      [{ idempotencyKey: 'other:h-1', kind: 'amojo.new_message', payload: '{"dedupeKey":"h-1"}', linkId: link.id }],
      T0,
    );
    expect(await findHooksStillNeeded(t.db, ['h-1'])).toEqual(new Set());
  });

  it('answers a whole page of 500 keys in one probe', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `page-${i}`);
    // Every 7th hook has a delivery, every other one of those still undone.
    const statuses = Object.fromEntries(
      keys.filter((_, i) => i % 7 === 0).map((key, j): [string, OutboxStatus] => [key, j % 2 === 0 ? 'dead' : 'done']),
    );
    await deliveries(statuses);
    const needed = Object.keys(statuses).filter((key) => statuses[key] === 'dead');
    expect(needed).toHaveLength(36);
    expect([...(await findHooksStillNeeded(t.db, keys))].sort()).toEqual(needed.sort());
  });
});
