import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { hashApiKey } from '../../src/store/api-key-hash';
import { ensureConversation, findConversation } from '../../src/store/conversations-repo';
import { insertInboundMessage } from '../../src/store/insert-inbound-message';
import { isBridgeKeyLive } from '../../src/store/is-bridge-key-live';
import { findMessageByOurId } from '../../src/store/messages-repo';
import { preparedQuery } from '../../src/store/prepared-query';
import { selectConversation } from '../../src/store/select-conversation';
import { touchInboundAt } from '../../src/store/touch-inbound-at';
import { clearTables, describeEachDatabase } from '../store/helpers/test-databases';
import { type SeededLink, seedBridgeLink } from './helpers/bridge-harness';

const NOW = 1_767_225_600_000;

// The bridge accept's hot statements are compiled once and re-run with new values (prepared-query.ts): each must
// read and write exactly what the query-builder versions it stands in for do, on both dialects, in and out of a
// transaction (a transaction is another Kysely object sharing the compiled text).
describeEachDatabase('bridge accept prepared statements', (t) => {
  let link: SeededLink;

  beforeEach(async () => {
    await clearTables(t.db);
    link = await seedBridgeLink(t.db, NOW);
  });

  it('selectConversation returns the row findConversation does, or nothing', async () => {
    await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, NOW);
    const expected = await findConversation(t.db, link.id, 'c-1');
    expect(expected).toBeDefined();
    expect(await selectConversation(t.db, link.id, 'c-1')).toEqual(expected);
    await t.db.transaction().execute(async (trx) => {
      expect(await selectConversation(trx, link.id, 'c-1')).toEqual(expected);
      expect(await selectConversation(trx, link.id, 'c-2')).toBeUndefined();
    });
  });

  it('insertInboundMessage records a client message once per msgid', async () => {
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, NOW);
    const message = { linkId: link.id, conversationRowId: conversation.id, ourMsgid: `${link.id}:m-1` };
    expect(await insertInboundMessage(t.db, { ...message, id: 'row-1' }, NOW)).toBe(true);
    expect(await t.db.transaction().execute((trx) => insertInboundMessage(trx, { ...message, id: 'row-2' }, NOW))).toBe(
      false,
    );
    expect(await findMessageByOurId(t.db, link.id, `${link.id}:m-1`)).toEqual({
      id: 'row-1',
      linkId: link.id,
      conversationRowId: conversation.id,
      direction: 'in',
      ourMsgid: `${link.id}:m-1`,
      amojoMsgId: null,
      status: 0,
      errorCode: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('touchInboundAt only moves the last inbound time forward', async () => {
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, NOW);
    await touchInboundAt(t.db, conversation.id, NOW + 10);
    await touchInboundAt(t.db, conversation.id, NOW + 5);
    expect(await findConversation(t.db, link.id, 'c-1')).toMatchObject({
      lastInboundAt: NOW + 10,
      updatedAt: NOW + 10,
    });
  });

  it('isBridgeKeyLive: only the current key of a linked, unparked link', async () => {
    const hash = hashApiKey(link.apiKey);
    expect(await isBridgeKeyLive(t.db, link.id, hash)).toBe(true);
    expect(await isBridgeKeyLive(t.db, link.id, hashApiKey('another key'))).toBe(false);
    await sql`update links set parked_at = ${NOW} where id = ${link.id}`.execute(t.db);
    expect(await isBridgeKeyLive(t.db, link.id, hash)).toBe(false);
    await sql`update links set parked_at = null, scope_id = null where id = ${link.id}`.execute(t.db);
    expect(await isBridgeKeyLive(t.db, link.id, hash)).toBe(false);
  });

  it('preparedQuery refuses a statement whose placeholders would not line up with the values', async () => {
    const twice = preparedQuery((id: string) => sql`select ${id} as a, ${id} as b`);
    await expect(twice(t.db, 'x')).rejects.toThrow('each parameter once');
    const swapped = preparedQuery((a: string, b: string) => sql<{ a: string }>`select ${b} as b, ${a} as a`);
    await expect(swapped(t.db, 'x', 'y')).rejects.toThrow('each parameter once');
    const fine = preparedQuery((a: string, b: string) => sql<{ a: string; b: string }>`select ${a} as a, ${b} as b`);
    expect(await fine(t.db, 'x', 'y')).toEqual([{ a: 'x', b: 'y' }]);
    expect(await fine(t.db, 'p', 'q')).toEqual([{ a: 'p', b: 'q' }]);
  });
});
