import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { claimDue, enqueue } from '../../src/store/outbox-repo';
import { repairHeadlessKeys } from '../../src/store/repair-headless-keys';
import { checkHeads } from './helpers/check-heads';
import { seedLink } from './helpers/seed-link';
import { clearTables, describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('repairHeadlessKeys', (t) => {
  it('gives back a head to a key whose jobs a pre-0014 process added, so the claim runs them again', async () => {
    await clearTables(t.db);
    const link = await seedLink(t.db);
    const job = (n: number, orderingKey: string) => ({
      idempotencyKey: `old-${orderingKey}-${n}`,
      kind: 'bridge.deliver',
      payload: '{}',
      linkId: link.id,
      orderingKey,
    });
    // As a process of the version before 0014 writes them: no head mark at all.
    for (const [n, key] of [
      [1, 'chat-a'],
      [2, 'chat-a'],
      [3, 'chat-b'],
    ] as const) {
      await sql`insert into outbox (idempotency_key, kind, payload, link_id, ordering_key, status, attempts, available_at,
        created_at, updated_at) values (${`old-${key}-${n}`}, 'bridge.deliver', '{}', ${link.id}, ${key}, 'pending', 0,
        ${T0}, ${T0}, ${T0})`.execute(t.db);
    }
    // A key the current code keeps right needs nothing.
    await enqueue(t.db, job(4, 'chat-c'), T0);
    // Under a backlog deeper than the claim's first window, only the head index finds a key's next job: these never.
    expect((await checkHeads(t.db)).headless.sort()).toEqual(['chat-a', 'chat-b']);

    expect(await repairHeadlessKeys(t.db)).toBe(2);
    const report = await checkHeads(t.db);
    expect(report).toMatchObject({ headless: [], dead: [], extra: [] });
    const claimed = await claimDue(t.db, { now: T0 + 1, limit: 10, leaseMs: 1000, workerId: 'w' });
    expect(claimed.map((j) => j.idempotencyKey).sort()).toEqual(['old-chat-a-1', 'old-chat-b-3', 'old-chat-c-4']);
    expect(await repairHeadlessKeys(t.db)).toBe(0);
  });

  it('moves a mark an older process left on a finished head to the key’s next live job', async () => {
    await clearTables(t.db);
    const link = await seedLink(t.db);
    for (const n of [1, 2]) {
      await enqueue(
        t.db,
        { idempotencyKey: `j${n}`, kind: 'bridge.deliver', payload: '{}', linkId: link.id, orderingKey: 'chat' },
        T0,
      );
    }
    // As the version before 0014 finishes a job: the status changes, the mark stays where it was.
    await sql`update outbox set status = 'done' where idempotency_key = 'j1'`.execute(t.db);
    expect((await checkHeads(t.db)).headless).toEqual(['chat']);

    expect(await repairHeadlessKeys(t.db)).toBe(1);
    expect(await checkHeads(t.db)).toMatchObject({ headless: [], dead: [], extra: [] });
  });
});
