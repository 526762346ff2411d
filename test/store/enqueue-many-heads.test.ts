import { expect, it } from 'vitest';
import { claimDue, completeHeld, enqueueMany } from '../../src/store/outbox-repo';
import { checkHeads } from './helpers/check-heads';
import { seedLink } from './helpers/seed-link';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

// enqueueMany marks the new heads among the rows it inserted: a repeat in the batch, not inserted, must not keep
// its key's next new job from being marked.
describeEachDatabase('enqueueMany and head marks', (t) => {
  it('marks the first inserted job of a key when a repeat of its finished job comes first in the batch', async () => {
    await clearTables(t.db);
    const link = await seedLink(t.db);
    const job = (key: string, orderingKey: string) => ({
      idempotencyKey: key,
      kind: 'bridge.deliver',
      payload: '{}',
      linkId: link.id,
      orderingKey,
    });
    await enqueueMany(t.db, [job('first', 'chat')], T0);
    const [leased] = await claimDue(t.db, { now: T0, limit: 1, leaseMs: 1000, workerId: 'w' });
    await completeHeld(t.db, [{ id: leased?.id ?? 0, attempts: 1 }], 'w', T0);

    // A redelivery of the finished job first, then two new ones of the same key, and one of a key with a live job.
    await enqueueMany(t.db, [job('busy-1', 'busy')], T0);
    const created = await enqueueMany(
      t.db,
      [job('first', 'chat'), job('second', 'chat'), job('third', 'chat'), job('busy-2', 'busy')],
      T0,
    );
    expect([...created].sort()).toEqual(['busy-2', 'second', 'third']);
    expect(await checkHeads(t.db)).toMatchObject({ headless: [], dead: [], extra: [] });
    const heads = await t.db.selectFrom('outbox').select('idempotencyKey').where('isHead', '=', 1).execute();
    expect(heads.map((h) => h.idempotencyKey).sort()).toEqual(['busy-1', 'second']);
  });
});
