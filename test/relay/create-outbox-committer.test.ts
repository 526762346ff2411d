import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { batchedEffects } from '../../src/relay/batched-effects';
import { createOutboxCommitter } from '../../src/relay/create-outbox-committer';
import { ensureConversation, findConversationById } from '../../src/store/conversations-repo';
import { findMessageByOurId, recordMessage, setAmojoMsgId } from '../../src/store/messages-repo';
import { enqueue, findJob, type OutboxJob } from '../../src/store/outbox-repo';
import { seedLink } from '../store/helpers/seed-link';
import { describeEachDatabase } from '../store/helpers/test-databases';

const T0 = 1_700_000_000_000;
const LEASE = 10_000;
const WORKER = 'worker-a';

describeEachDatabase('createOutboxCommitter: lease renewals', (t) => {
  async function claimed(count: number, at: number): Promise<OutboxJob[]> {
    for (let i = 0; i < count; i++) {
      await enqueue(t.db, { idempotencyKey: `job-${i}`, kind: 'test.job', payload: '{}' }, at);
    }
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => at });
    const result = await committer.append({ type: 'claim', limit: count, leaseMs: LEASE });
    await committer.close();
    if (result.type !== 'claim') throw new Error('not a claim');
    return result.jobs;
  }

  it('renews the leases it still holds to its transaction time + leaseMs, before any effect of the same batch', async () => {
    const [kept, refenced, finished] = await claimed(3, T0);
    if (!kept || !refenced || !finished) throw new Error('three jobs claimed');
    const at = T0 + 3_000;
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => at });
    let seenByEffect: number | undefined;
    // Appended first, yet its effect already sees the renewal: the renewal's UPDATE comes first in the transaction.
    const finish = committer.append({
      type: 'finish',
      lease: finished,
      decision: { type: 'complete' },
      effects: async (trx) => {
        seenByEffect = (await findJob(trx, kept.id))?.availableAt;
      },
    });
    const renewal = committer.append({
      type: 'renew',
      // An attempt count the row no longer has: a lease taken over since, which is not renewed.
      leases: [kept, { id: refenced.id, attempts: refenced.attempts + 1 }, finished],
      leaseMs: LEASE,
    });
    expect(await finish).toEqual({ type: 'finish', held: true });
    const renewed = await renewal;
    await committer.close();

    expect(renewed).toEqual({ type: 'renew', renewed: new Set([kept.id, finished.id]), until: at + LEASE });
    expect(seenByEffect).toBe(at + LEASE);
    expect(await findJob(t.db, kept.id)).toMatchObject({ status: 'leased', availableAt: at + LEASE });
    expect(await findJob(t.db, refenced.id)).toMatchObject({ status: 'leased', availableAt: T0 + LEASE });
    expect(await findJob(t.db, finished.id)).toMatchObject({ status: 'done' });
  });

  it('answers a renewal queued behind hundreds of outcomes in the very first transaction', async () => {
    const [job] = await claimed(1, T0);
    if (!job) throw new Error('one job claimed');
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 + 1 });
    // More outcomes than a batch used to take (512): leases nobody holds, each answered `held: false`.
    const outcomes = Array.from({ length: 600 }, (_, i) =>
      committer.append({
        type: 'finish',
        lease: { id: 1_000_000 + i, attempts: 1 },
        decision: { type: 'retry', nextAttemptAt: T0, errorCode: 'test' },
      }),
    );
    const renewal = committer.append({ type: 'renew', leases: [job], leaseMs: LEASE });
    expect(await renewal).toMatchObject({ type: 'renew', renewed: new Set([job.id]) });
    expect(committer.stats().batches).toBe(1);
    expect(new Set((await Promise.all(outcomes)).map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ type: 'finish', held: false })]),
    );
    await committer.close();
  });
});

describeEachDatabase('createOutboxCommitter: key locks first', (t) => {
  it('takes the keys of the jobs it finishes before it writes any row (PostgreSQL)', async (ctx) => {
    // SQLite runs one writing transaction at a time: no lock order to keep there.
    if (t.dialect !== 'postgres') ctx.skip();
    const other = (await t.openAnother?.())?.db;
    if (!other) throw new Error('a second pool');
    const job = (key: string, orderingKey: string) => ({
      idempotencyKey: key,
      kind: 'test.job',
      payload: '{}',
      orderingKey,
    });
    await enqueue(t.db, job('held', 'chat-1'), T0);
    await enqueue(t.db, job('finished', 'chat-2'), T0);
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 });
    const claim = await committer.append({ type: 'claim', limit: 2, leaseMs: LEASE });
    if (claim.type !== 'claim' || claim.jobs.length !== 2) throw new Error('two jobs claimed');
    const [held, finished] = claim.jobs as [OutboxJob, OutboxJob];

    // A replay holding chat-2's key, about to rewrite chat-1's head: it needs chat-1's row after it took the key.
    let release: () => void = () => {};
    const replay = other.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(0x6f6b6579)}, hashtext('chat-2'))`.execute(trx);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      // Row locks of the committer would make this wait; the committer must hold none while it waits for the key.
      await sql`select id from outbox where id = ${held.id} for update nowait`.execute(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const renewed = committer.append({ type: 'renew', leases: [held], leaseMs: LEASE });
    const done = committer.append({ type: 'finish', lease: finished, decision: { type: 'complete' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await replay;
    expect(await done).toEqual({ type: 'finish', held: true });
    expect(await renewed).toMatchObject({ type: 'renew', renewed: new Set([held.id]) });
    await committer.close();
  });
});

describeEachDatabase('createOutboxCommitter: batched effects', (t) => {
  /** A link's conversation with `count` client messages, and as many claimed jobs. */
  async function setup(count: number) {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'chat' }, T0);
    const messages = [];
    for (let i = 0; i < count; i++) {
      const base = { linkId: link.id, conversationRowId: conversation.id, direction: 'in' as const };
      messages.push((await recordMessage(t.db, { ...base, ourMsgid: `ours-${i}` }, T0)).message);
      await enqueue(t.db, { idempotencyKey: `job-${i}`, kind: 'test.job', payload: '{}', orderingKey: `k${i}` }, T0);
    }
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 + 10 });
    const claim = await committer.append({ type: 'claim', limit: count, leaseMs: LEASE });
    if (claim.type !== 'claim' || claim.jobs.length !== count) throw new Error(`${count} jobs claimed`);
    const amojoIdOf = async (i: number) => (await findMessageByOurId(t.db, link.id, `ours-${i}`))?.amojoMsgId;
    return { link, conversation, messages, jobs: claim.jobs, committer, amojoIdOf };
  }

  it('writes them for the jobs it still holds only, beside the batch’s other effects, in the same transaction', async () => {
    const { conversation, messages, jobs, committer, amojoIdOf } = await setup(4);
    const [a, b, c, d] = jobs as [OutboxJob, OutboxJob, OutboxJob, OutboxJob];
    const id = (i: number) => messages[i]?.id ?? '';
    const finishes = [
      committer.append({
        type: 'finish',
        lease: a,
        decision: { type: 'complete' },
        effects: batchedEffects({
          amojoMsgIds: [{ messageId: id(0), amojoMsgId: 'amojo-0' }],
          inboundAt: [{ conversationId: conversation.id, at: T0 + 7 }],
        }),
      }),
      // Taken over since: its lease no longer holds, and nothing of it may be written.
      committer.append({
        type: 'finish',
        lease: { id: b.id, attempts: b.attempts + 1 },
        decision: { type: 'complete' },
        effects: batchedEffects({
          amojoMsgIds: [{ messageId: id(1), amojoMsgId: 'amojo-1' }],
          inboundAt: [{ conversationId: conversation.id, at: T0 + 9 }],
        }),
      }),
      committer.append({
        type: 'finish',
        lease: c,
        decision: { type: 'dead', errorCode: 'test' },
        effects: batchedEffects({ amojoMsgIds: [{ messageId: id(2), amojoMsgId: 'amojo-2' }] }),
      }),
      committer.append({
        type: 'finish',
        lease: d,
        decision: { type: 'complete' },
        effects: async (trx, now) => {
          await setAmojoMsgId(trx, id(3), 'amojo-3', now);
        },
      }),
    ];
    expect(await Promise.all(finishes)).toEqual([
      { type: 'finish', held: true },
      { type: 'finish', held: false },
      { type: 'finish', held: true },
      { type: 'finish', held: true },
    ]);
    expect(committer.stats()).toMatchObject({ batches: 2, fallbacks: 0 });
    await committer.close();

    expect([await amojoIdOf(0), await amojoIdOf(1), await amojoIdOf(2), await amojoIdOf(3)]).toEqual([
      'amojo-0',
      null,
      'amojo-2',
      'amojo-3',
    ]);
    expect((await findConversationById(t.db, conversation.id))?.lastInboundAt).toBe(T0 + 7);
    expect((await findJob(t.db, b.id))?.status).toBe('leased');
  });

  it('fails only the finish whose batched write fails, as the one-at-a-time writes did', async () => {
    const { link, conversation, messages, jobs, committer, amojoIdOf } = await setup(2);
    const [a, b] = jobs as [OutboxJob, OutboxJob];
    // amojo ids are unique per link: an id another message holds already cannot be stored again.
    const base = { linkId: link.id, conversationRowId: conversation.id, direction: 'in' as const };
    await recordMessage(t.db, { ...base, ourMsgid: 'other', amojoMsgId: 'taken' }, T0);
    const bad = committer.append({
      type: 'finish',
      lease: a,
      decision: { type: 'complete' },
      effects: batchedEffects({ amojoMsgIds: [{ messageId: messages[0]?.id ?? '', amojoMsgId: 'taken' }] }),
    });
    const good = committer.append({
      type: 'finish',
      lease: b,
      decision: { type: 'complete' },
      effects: batchedEffects({ amojoMsgIds: [{ messageId: messages[1]?.id ?? '', amojoMsgId: 'amojo-1' }] }),
    });
    await expect(bad).rejects.toThrow();
    expect(await good).toEqual({ type: 'finish', held: true });
    expect(committer.stats().fallbacks).toBe(1);
    await committer.close();
    expect([await amojoIdOf(0), await amojoIdOf(1)]).toEqual([null, 'amojo-1']);
    expect((await findJob(t.db, a.id))?.status).toBe('leased');
    expect((await findJob(t.db, b.id))?.status).toBe('done');
  });
});

describeEachDatabase('createOutboxCommitter: fencing', (t) => {
  it('counts only the attempt that holds the lease when a stale attempt of the same job finishes in the same batch', async () => {
    await enqueue(t.db, { idempotencyKey: 'job', kind: 'test.job', payload: '{}', orderingKey: 'k' }, T0);
    let at = T0;
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => at });
    const first = await committer.append({ type: 'claim', limit: 1, leaseMs: LEASE });
    // The first attempt stalls past its lease, and this very worker takes the job over.
    at = T0 + LEASE + 1;
    const second = await committer.append({ type: 'claim', limit: 1, leaseMs: LEASE });
    if (first.type !== 'claim' || second.type !== 'claim') throw new Error('two claims');
    const [stale] = first.jobs;
    const [fresh] = second.jobs;
    if (!stale || !fresh || stale.id !== fresh.id) throw new Error('the job claimed twice');
    let staleEffects = false;
    const outcomes = await Promise.all([
      committer.append({
        type: 'finish',
        lease: stale,
        decision: { type: 'dead', errorCode: 'stale' },
        effects: async () => {
          staleEffects = true;
        },
      }),
      committer.append({ type: 'finish', lease: fresh, decision: { type: 'complete' } }),
    ]);
    await committer.close();
    expect(outcomes).toEqual([
      { type: 'finish', held: false },
      { type: 'finish', held: true },
    ]);
    expect(staleEffects).toBe(false);
    expect(await findJob(t.db, fresh.id)).toMatchObject({ status: 'done', attempts: fresh.attempts });
  });

  it('holds only the first of two finishes of the same attempt in one batch, so effects are written once', async () => {
    await enqueue(t.db, { idempotencyKey: 'job', kind: 'test.job', payload: '{}', orderingKey: 'k' }, T0);
    const committer = createOutboxCommitter(t.db, { workerId: WORKER, now: () => T0 });
    const claim = await committer.append({ type: 'claim', limit: 1, leaseMs: LEASE });
    const [job] = claim.type === 'claim' ? claim.jobs : [];
    if (!job) throw new Error('nothing claimed');
    let effects = 0;
    const finish = () =>
      committer.append({
        type: 'finish',
        lease: job,
        decision: { type: 'complete' },
        effects: async () => {
          effects += 1;
        },
      });
    const outcomes = await Promise.all([finish(), finish()]);
    await committer.close();
    expect(outcomes).toEqual([
      { type: 'finish', held: true },
      { type: 'finish', held: false },
    ]);
    expect(effects).toBe(1);
  });
});
