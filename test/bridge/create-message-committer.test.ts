import { beforeEach, expect, it } from 'vitest';
import type { MessageAccept } from '../../src/bridge/accept-message';
import { authenticateBridge, type BridgeLink } from '../../src/bridge/authenticate-bridge';
import { createMessageCommitter } from '../../src/bridge/create-message-committer';
import { StaleBridgeKey } from '../../src/bridge/stale-bridge-key';
import { AppError } from '../../src/http/app-error';
import { hashApiKey } from '../../src/store/api-key-hash';
import { findConversation } from '../../src/store/conversations-repo';
import { rotateLinkCredentials } from '../../src/store/links-repo';
import { clearTables, describeEachDatabase } from '../store/helpers/test-databases';
import { messageBody, seedBridgeLink } from './helpers/bridge-harness';

const NOW = 1_767_225_600_000;

// On SQLite the committer writes with the raw handle, as the backend composes it (t.sqliteIn); PostgreSQL runs the
// query-builder path, which accept-message-sqlite.test.ts holds the raw one to, row for row.
describeEachDatabase('createMessageCommitter', (t) => {
  let link: BridgeLink;

  beforeEach(async () => {
    await clearTables(t.db);
    const seeded = await seedBridgeLink(t.db, NOW);
    link = await authenticateBridge(t.db, `Bearer ${seeded.apiKey}`);
  });

  const accept = (overrides: Record<string, unknown>): MessageAccept => ({
    link,
    body: messageBody(overrides) as unknown as MessageAccept['body'],
    now: NOW,
  });
  const jobKeys = async () =>
    (await t.db.selectFrom('outbox').select('idempotencyKey').orderBy('id').execute()).map((r) => r.idempotencyKey);

  it('writes concurrent messages in shared transactions, each answered with its own result', async () => {
    let counter = 0;
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn, ids: () => `row-${++counter}` });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        committer.commit(accept({ id: `m-${i}`, conversation: { id: `c-${i % 4}` } })),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, () => true));
    expect(committer.stats().rows).toBe(40);
    expect(committer.stats().batches).toBeLessThan(40);
    expect(await jobKeys()).toEqual(Array.from({ length: 40 }, (_, i) => `bridge:msg:${link.id}:m-${i}`));
  });

  it('tells twins in one batch apart exactly: new, duplicate, and a 409 for another body', async () => {
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn });
    const settled = await Promise.allSettled([
      committer.commit(accept({ id: 'm-1' })),
      committer.commit(accept({ id: 'm-1' })),
      committer.commit(accept({ id: 'm-1', message: { type: 'text', text: 'changed' } })),
      committer.commit(accept({ id: 'm-2' })),
    ]);
    expect(committer.stats().batches).toBe(1);
    expect(settled.slice(0, 2)).toEqual([
      { status: 'fulfilled', value: true },
      { status: 'fulfilled', value: false },
    ]);
    const conflict = settled[2];
    expect(conflict?.status).toBe('rejected');
    expect(conflict?.status === 'rejected' && conflict.reason instanceof AppError && conflict.reason.code).toBe(
      'idempotency_conflict',
    );
    expect(settled[3]).toEqual({ status: 'fulfilled', value: true });
    expect(await jobKeys()).toEqual([`bridge:msg:${link.id}:m-1`, `bridge:msg:${link.id}:m-2`]);
    // Written without savepoints first; the 409 rolled that back and the rest was written again, once.
    expect(committer.stats()).toMatchObject({ restarts: 1, fallbacks: 0 });
  });

  it('writes a batch without failures once, with no restart', async () => {
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn });
    await Promise.all([committer.commit(accept({ id: 'm-1' })), committer.commit(accept({ id: 'm-2' }))]);
    expect(committer.stats()).toMatchObject({ batches: 1, restarts: 0, fallbacks: 0 });
  });

  it('refuses, and writes nothing of, a message whose key no longer opens its link', async () => {
    const other = await seedBridgeLink(t.db, NOW);
    const otherLink = await authenticateBridge(t.db, `Bearer ${other.apiKey}`);
    await rotateLinkCredentials(
      t.db,
      link.accountId,
      { bridgeKeyHash: hashApiKey('rotated'), signingSecretEnc: 'x' },
      NOW,
    );
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn });
    const settled = await Promise.allSettled([
      committer.commit(accept({ id: 'm-1', conversation: { id: 'c-new' } })),
      committer.commit({ ...accept({ id: 'm-2' }), link: otherLink }),
    ]);
    expect(settled[0]?.status === 'rejected' && settled[0].reason).toBeInstanceOf(StaleBridgeKey);
    expect(settled[1]).toEqual({ status: 'fulfilled', value: true });
    expect(await findConversation(t.db, link.id, 'c-new')).toBeUndefined();
    expect(await jobKeys()).toEqual([`bridge:msg:${otherLink.id}:m-2`]);
    expect(committer.stats()).toMatchObject({ batches: 1, restarts: 0 });
  });

  it('rolls back only the writes of a message that fails halfway, and commits the rest of its batch', async () => {
    let calls = 0;
    // The fifth id is the second message's conversation row, asked for after its participant row was written.
    const ids = () => {
      calls += 1;
      if (calls === 5) throw new Error('id source failed');
      return `row-${calls}`;
    };
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn, ids });
    const settled = await Promise.allSettled([
      committer.commit(accept({ id: 'm-1', conversation: { id: 'c-1' }, sender: { id: 'u-1', name: 'A' } })),
      committer.commit(accept({ id: 'm-2', conversation: { id: 'c-2' }, sender: { id: 'u-2', name: 'B' } })),
      committer.commit(accept({ id: 'm-3', conversation: { id: 'c-3' }, sender: { id: 'u-3', name: 'C' } })),
    ]);
    expect(committer.stats()).toMatchObject({ batches: 1, fallbacks: 0 });
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await findConversation(t.db, link.id, 'c-2')).toBeUndefined();
    const participants = await t.db.selectFrom('participants').select('clientId').orderBy('clientId').execute();
    expect(participants.map((p) => p.clientId)).toEqual(['u-1', 'u-3']);
    expect(await jobKeys()).toEqual([`bridge:msg:${link.id}:m-1`, `bridge:msg:${link.id}:m-3`]);
  });

  it('blames a deadlock on the transaction, not the message that met it: every message is written once', async () => {
    let calls = 0;
    // As PostgreSQL reports a deadlock (40P01): whichever statement runs at that moment fails, by chance.
    const ids = () => {
      calls += 1;
      if (calls === 5) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return `row-${calls}`;
    };
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn, ids });
    const settled = await Promise.allSettled([
      committer.commit(accept({ id: 'm-1', conversation: { id: 'c-1' }, sender: { id: 'u-1', name: 'A' } })),
      committer.commit(accept({ id: 'm-2', conversation: { id: 'c-2' }, sender: { id: 'u-2', name: 'B' } })),
      committer.commit(accept({ id: 'm-3', conversation: { id: 'c-3' }, sender: { id: 'u-3', name: 'C' } })),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(committer.stats()).toMatchObject({ batches: 1, restarts: 0, fallbacks: 1 });
    expect(await jobKeys()).toEqual(['m-1', 'm-2', 'm-3'].map((id) => `bridge:msg:${link.id}:${id}`));
  });

  it('refuses a whole batch whose transaction met a database-wide failure, without a transaction per message', async () => {
    let transactions = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    // BEGIN IMMEDIATE waited out the busy timeout: one transaction per message would wait it out again, each.
    const lockedDb = {
      transaction: () => ({
        execute: async () => {
          transactions += 1;
          throw busy;
        },
      }),
    } as unknown as typeof t.db;
    const committer = createMessageCommitter(lockedDb, { sqliteIn: t.sqliteIn });
    const settled = await Promise.allSettled(['m-1', 'm-2', 'm-3'].map((id) => committer.commit(accept({ id }))));
    expect(settled).toEqual(Array(3).fill({ status: 'rejected', reason: busy }));
    expect(transactions).toBe(1);
    expect(committer.stats()).toMatchObject({ batches: 1, restarts: 0, fallbacks: 0 });
  });

  it('refuses the whole batch when the database fails under one message, and when it fails the restart', async () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    let calls = 0;
    // The fifth id is asked for while the second message is written: the disk fills up under it.
    const ids = () => {
      calls += 1;
      if (calls === 5) throw full;
      return `row-${calls}`;
    };
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn, ids });
    const three = ['m-1', 'm-2', 'm-3'].map((id) => accept({ id, conversation: { id: `c-${id}` } }));
    const settled = await Promise.allSettled(three.map((message) => committer.commit(message)));
    expect(settled).toEqual(Array(3).fill({ status: 'rejected', reason: full }));
    expect(committer.stats()).toMatchObject({ batches: 1, restarts: 0, fallbacks: 0 });

    // A message of its own fails first (not the database's doing); the restart's transaction then meets a busy lock.
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    let transactions = 0;
    const flaky = {
      transaction: () => ({
        execute: (work: Parameters<ReturnType<typeof t.db.transaction>['execute']>[0]) => {
          transactions += 1;
          return transactions === 2 ? Promise.reject(busy) : t.db.transaction().execute(work);
        },
      }),
    } as unknown as typeof t.db;
    calls = 100;
    const failing = () => {
      calls += 1;
      if (calls === 105) throw new Error('id source failed');
      return `row-${calls}`;
    };
    const restarted = createMessageCommitter(flaky, { sqliteIn: t.sqliteIn, ids: failing });
    const again = ['m-4', 'm-5', 'm-6'].map((id) => accept({ id, conversation: { id: `c-${id}` } }));
    const outcomes = await Promise.allSettled(again.map((message) => restarted.commit(message)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.status))).toEqual([
      'database is locked',
      'id source failed',
      'database is locked',
    ]);
    expect(transactions).toBe(2);
    expect(restarted.stats()).toMatchObject({ batches: 1, restarts: 1, fallbacks: 0 });
    expect(await jobKeys()).toEqual([]);
  });

  it('commits what was handed in before close and refuses more after', async () => {
    const committer = createMessageCommitter(t.db, { sqliteIn: t.sqliteIn }, { maxDelayMs: 50 });
    const pending = committer.commit(accept({ id: 'm-1' }));
    await committer.close();
    expect(await pending).toBe(true);
    await expect(committer.commit(accept({ id: 'm-2' }))).rejects.toThrow('closed');
    expect(await jobKeys()).toEqual([`bridge:msg:${link.id}:m-1`]);
  });
});
