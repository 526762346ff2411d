import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageAccept } from '../../src/bridge/accept-message';
import { authenticateBridge, type BridgeLink } from '../../src/bridge/authenticate-bridge';
import { createMessageCommitter } from '../../src/bridge/create-message-committer';
import { AppError } from '../../src/http/app-error';
import { hashApiKey } from '../../src/store/api-key-hash';
import { ensureConversation, ensureConversationByAmojoChat } from '../../src/store/conversations-repo';
import { createLink, findLinkById, upsertLink } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { messageBody } from './helpers/bridge-harness';

const NOW = 1_767_225_600_000;
const API_KEY = `bk_same_${'k'.repeat(40)}`;

interface Side {
  opened: OpenedDatabase;
  link: BridgeLink;
  /** Statements run on the raw handle (the fast path's calls of sqliteIn). */
  rawCalls: number;
  commit(bodies: Record<string, unknown>[]): Promise<Array<boolean | string>>;
}

/** A SQLite database seeded the same way each time, and a committer writing with the raw handle or without. */
async function side(raw: boolean): Promise<Side> {
  const opened = openDatabase('sqlite::memory:');
  await migrateToLatest(opened.db);
  const amojoId = '00000000-0000-4000-8000-000000000001';
  const seeded = await upsertLink(
    opened.db,
    {
      accountId: 60_000_001,
      subdomain: 'shop',
      region: 'ru',
      amojoId,
      scopeId: `11111111-2222-4333-8444-555555555555_${amojoId}`,
      title: 'Shop',
      timeWindowDisabled: false,
      webhookUrl: 'https://messenger.example/hooks',
      bridgeKeyHash: hashApiKey(API_KEY),
      signingSecretEnc: 'v1.sealed',
    },
    NOW,
    () => 'link-1',
  );
  if (!seeded.ok) throw new Error('seed refused');
  const link = await authenticateBridge(opened.db, `Bearer ${API_KEY}`);
  let counter = 0;
  // Each batch a second later than the one before: every time a write sets is then told apart.
  let batches = 0;
  const result: Side = {
    opened,
    link,
    rawCalls: 0,
    async commit(bodies) {
      const now = NOW + 1000 * ++batches;
      const settled = await Promise.allSettled(
        bodies.map((body) => committer.commit({ link, body: body as unknown as MessageAccept['body'], now })),
      );
      return settled.map((s) =>
        s.status === 'fulfilled' ? s.value : s.reason instanceof AppError ? s.reason.code : String(s.reason),
      );
    },
  };
  const sqliteIn = opened.sqliteIn;
  const committer = createMessageCommitter(opened.db, {
    ids: () => `row-${++counter}`,
    ...(raw && sqliteIn
      ? {
          sqliteIn: (trx) => {
            result.rawCalls += 1;
            return sqliteIn(trx);
          },
        }
      : {}),
  });
  return result;
}

async function dump({ opened }: Side) {
  const { db } = opened;
  return {
    messages: await db.selectFrom('messages').selectAll().orderBy('id').execute(),
    outbox: await db.selectFrom('outbox').selectAll().orderBy('id').execute(),
    conversations: await db.selectFrom('conversations').selectAll().orderBy('id').execute(),
    participants: await db.selectFrom('participants').selectAll().orderBy('id').execute(),
  };
}

// The raw statements stand in for the query builder's on SQLite: the same batches through both must answer the same
// and leave the same rows, head marks and conversation times included.
describe('the message committer with the raw SQLite handle', () => {
  let fast: Side;
  let built: Side;

  beforeEach(async () => {
    fast = await side(true);
    built = await side(false);
  });
  afterEach(async () => {
    await fast.opened.close();
    await built.opened.close();
  });

  const both = async (bodies: Record<string, unknown>[]) => {
    const expected = await built.commit(bodies);
    expect(await fast.commit(bodies)).toEqual(expected);
    return expected;
  };
  const onBoth = async (statement: ReturnType<typeof sql>) => {
    for (const s of [fast, built]) await statement.execute(s.opened.db);
  };

  it('writes the same rows as the query builder, batch after batch', async () => {
    expect(
      await both([
        messageBody({ id: 'm-1' }),
        messageBody({ id: 'm-2', sent_at: NOW - 5000 }),
        messageBody({ id: 'm-1' }),
        messageBody({ id: 'm-3', conversation: { id: 'conv-2' }, contact: { phone: '+79990001122' } }),
      ]),
    ).toEqual([true, true, false, true]);
    // A reference each way, a 409 that makes the batch go again with savepoints, a message for a known chat.
    expect(
      await both([
        messageBody({ id: 'm-4', reply_to: { id: 'm-1' } }),
        messageBody({ id: 'm-5', conversation: { id: 'conv-2' }, forward: { id: 'm-2' } }),
        messageBody({ id: 'm-1', message: { type: 'text', text: 'changed' } }),
        messageBody({ id: 'm-6', conversation: { id: 'conv-2' }, contact: { phone: '+79990003344' } }),
      ]),
    ).toEqual([true, true, 'idempotency_conflict', true]);
    // Once every job of conv-1 is done, the next one heads its key again.
    await onBoth(sql`update outbox set status = 'done', is_head = 0 where payload like '%"conversation_id":"conv-1"%'`);
    expect(await both([messageBody({ id: 'm-7' }), messageBody({ id: 'm-8' })])).toEqual([true, true]);
    // A write-first chat (a manager wrote first to this number) is found by its phone and named.
    for (const s of [fast, built]) {
      const chat = { linkId: s.link.id, amojoChatId: 'amojo-chat-wf', phone: '+79995556677', refPending: true };
      await ensureConversationByAmojoChat(s.opened.db, chat, NOW, () => 'row-wf');
    }
    expect(await both([messageBody({ id: 'm-9', conversation: { id: 'conv-wf', phone: '+79995556677' } })])).toEqual([
      true,
    ]);
    // Another number of the account holds conv-taken: a 409, and nothing written for it.
    for (const s of [fast, built]) {
      const first = await findLinkById(s.opened.db, s.link.id);
      if (!first) throw new Error('seeded link missing');
      const other = await createLink(
        s.opened.db,
        {
          accountId: first.accountId,
          subdomain: first.subdomain,
          region: first.region,
          amojoId: first.amojoId,
          scopeId: first.scopeId,
          title: 'Second number',
          timeWindowDisabled: false,
          webhookUrl: 'https://messenger.example/hooks/second',
          bridgeKeyHash: hashApiKey('second'),
          signingSecretEnc: 'v1.sealed',
          pending: false,
          pipelineId: null,
        },
        NOW,
        () => 'link-2',
      );
      if (!other.ok) throw new Error('second number refused');
      await ensureConversation(s.opened.db, { linkId: 'link-2', conversationId: 'conv-taken' }, NOW, () => 'row-taken');
    }
    expect(
      await both([messageBody({ id: 'm-10', conversation: { id: 'conv-taken' } }), messageBody({ id: 'm-11' })]),
    ).toEqual(['conversation_id_taken', true]);
    expect(fast.rawCalls).toBeGreaterThan(0);
    expect(built.rawCalls).toBe(0);
    const expected = await dump(built);
    expect(expected.outbox.filter((j) => j.isHead === 1).length).toBeGreaterThan(1);
    expect(await dump(fast)).toEqual(expected);
  });

  it('refuses a key rotated away since it was remembered, writing nothing of its message', async () => {
    await onBoth(sql`update links set bridge_key_hash = ${hashApiKey('rotated')}`);
    const answers = await both([messageBody({ id: 'm-1' })]);
    expect(answers[0]).toMatch(/^StaleBridgeKey/);
    expect(await dump(fast)).toEqual(await dump(built));
    expect((await dump(fast)).outbox).toEqual([]);
  });
});
