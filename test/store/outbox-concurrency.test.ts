import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { claimDue, complete, countJobs, enqueueMany, type OutboxJob } from '../../src/store/outbox-repo';
import type { Database } from '../../src/store/schema';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('outbox under concurrent claimers', (t) => {
  it('never hands one job to two claimers and never runs two jobs of one conversation at once', async () => {
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      idempotencyKey: `job-${i}`,
      kind: 'amojo.new_message',
      payload: '{}',
      orderingKey: i % 3 === 0 ? null : `conv:${i % 10}`,
    }));
    await enqueueMany(t.db, jobs, T0);

    // Two connections where the database allows it (two pools on PostgreSQL, two handles on a SQLite file).
    const second = t.openAnother ? (await t.openAnother()).db : t.db;
    const connections = [t.db, second, t.db, second];
    const claims = new Map<number, string>();
    const held = new Set<string>();
    const orderPerKey = new Map<string, number[]>();
    const violations: string[] = [];

    const worker = async (db: Kysely<Database>, workerId: string) => {
      let idle = 0;
      while (idle < 3) {
        const batch = await claimDue(db, { now: T0, limit: 7, leaseMs: 60_000, workerId });
        idle = batch.length === 0 ? idle + 1 : 0;
        for (const job of batch) record(job, workerId);
        await new Promise((resolve) => setImmediate(resolve));
        // Forget the hold before the job is marked done: the next job of the key can be claimed only after that.
        for (const job of batch) if (job.orderingKey) held.delete(job.orderingKey);
        expect(await complete(db, batch, workerId, T0)).toBe(batch.length);
      }
    };
    const record = (job: OutboxJob, workerId: string) => {
      if (claims.has(job.id)) violations.push(`job ${job.id} claimed by ${claims.get(job.id)} and ${workerId}`);
      claims.set(job.id, workerId);
      if (!job.orderingKey) return;
      if (held.has(job.orderingKey)) violations.push(`${job.orderingKey} ran twice at once (job ${job.id})`);
      held.add(job.orderingKey);
      orderPerKey.set(job.orderingKey, [...(orderPerKey.get(job.orderingKey) ?? []), job.id]);
    };

    await Promise.all(connections.map((db, i) => worker(db, `w${i}`)));

    expect(violations).toEqual([]);
    expect(claims.size).toBe(300);
    expect(new Set(claims.values()).size).toBeGreaterThan(1);
    for (const ids of orderPerKey.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await countJobs(t.db)).toEqual({ pending: 0, leased: 0, done: 300, dead: 0, parked: 0 });
  }, 60_000);
});
