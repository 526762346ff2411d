import { expect, it } from 'vitest';
import {
  bindConversation,
  clearRefPending,
  ensureConversation,
  ensureConversationByAmojoChat,
  findConversationById,
  findUnboundByPhone,
  touchInbound,
} from '../../src/store/conversations-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('conversations repo', (t) => {
  it('creates a conversation once per (link, our conversation id)', async () => {
    const link = await seedLink(t.db);
    const first = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, T0);
    const again = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, T0 + 1);
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, conversation: first.conversation });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => ensureConversation(t.db, { linkId: link.id, conversationId: 'c-2' }, T0)),
    );
    expect(new Set(racing.map((r) => r.conversation.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
  });

  it('binds a write-first chat to the messenger conversation exactly once', async () => {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversationByAmojoChat(
      t.db,
      { linkId: link.id, amojoChatId: 'amojo-chat-1', phone: '+15550001', refPending: true },
      T0,
    );
    expect(conversation).toMatchObject({ conversationId: null, refPending: 1, phone: '+15550001' });
    expect((await findUnboundByPhone(t.db, link.id, '+15550001'))?.id).toBe(conversation.id);
    expect(await findUnboundByPhone(t.db, link.id, '+15550001', 'source-x')).toBeUndefined();

    expect(await bindConversation(t.db, conversation.id, { conversationId: 'messenger-9' }, T0 + 1)).toBe('bound');
    expect(await bindConversation(t.db, conversation.id, { conversationId: 'messenger-9' }, T0 + 2)).toBe('bound');
    expect(await bindConversation(t.db, conversation.id, { conversationId: 'other' }, T0 + 2)).toBe('already_bound');
    expect(await findUnboundByPhone(t.db, link.id, '+15550001')).toBeUndefined();

    const taken = await ensureConversation(t.db, { linkId: link.id, conversationId: 'taken' }, T0);
    const second = await ensureConversationByAmojoChat(t.db, { linkId: link.id, amojoChatId: 'amojo-chat-2' }, T0);
    expect(await bindConversation(t.db, second.conversation.id, { conversationId: 'taken' }, T0)).toBe('conflict');
    expect(await bindConversation(t.db, taken.conversation.id, { amojoChatId: 'amojo-chat-3' }, T0)).toBe('bound');
    expect(await bindConversation(t.db, 'missing', { amojoChatId: 'x' }, T0)).toBe('not_found');

    expect(await clearRefPending(t.db, conversation.id, T0 + 3)).toBe(true);
    expect(await clearRefPending(t.db, conversation.id, T0 + 4)).toBe(false);
  });

  it('moves the last client message time forward only', async () => {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'tw' }, T0);
    await touchInbound(t.db, conversation.id, T0 + 100);
    await touchInbound(t.db, conversation.id, T0 + 50);
    expect((await findConversationById(t.db, conversation.id))?.lastInboundAt).toBe(T0 + 100);
    await touchInbound(t.db, conversation.id, T0 + 200);
    expect((await findConversationById(t.db, conversation.id))?.lastInboundAt).toBe(T0 + 200);
  });
});
