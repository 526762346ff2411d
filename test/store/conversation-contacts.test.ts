import { expect, it } from 'vitest';
import {
  ensureConversation,
  ensureConversationByAmojoChat,
  failPendingContact,
  findConversation,
  findConversationById,
  findConversationIdHolder,
  findConversationLinkByChat,
  setConversationContact,
  setConversationContactHint,
} from '../../src/store/conversations-repo';
import { createLink, unlinkLinkById } from '../../src/store/links-repo';
import { linkInput, seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('conversation links and contacts', (t) => {
  it("finds which of an account's links holds an amojo chat", async () => {
    const a = await seedLink(t.db);
    const created = await createLink(
      t.db,
      {
        ...linkInput({ accountId: a.accountId, subdomain: a.subdomain, amojoId: a.amojoId, scopeId: a.scopeId }),
        pipelineId: null,
      },
      T0,
    );
    if (!created.ok) throw new Error('refused');
    const b = created.link;
    const stranger = await seedLink(t.db);
    await ensureConversationByAmojoChat(t.db, { linkId: b.id, amojoChatId: 'chat-b' }, T0);
    await ensureConversationByAmojoChat(t.db, { linkId: a.id, amojoChatId: 'chat-a' }, T0);
    await ensureConversationByAmojoChat(t.db, { linkId: stranger.id, amojoChatId: 'chat-x' }, T0);

    expect(await findConversationLinkByChat(t.db, [a.id, b.id], 'chat-b')).toBe(b.id);
    expect(await findConversationLinkByChat(t.db, [a.id, b.id], 'chat-a')).toBe(a.id);
    // Another account's chat is not found through this account's links.
    expect(await findConversationLinkByChat(t.db, [a.id, b.id], 'chat-x')).toBeUndefined();
    expect(await findConversationLinkByChat(t.db, [a.id, b.id], 'no-such-chat')).toBeUndefined();
    expect(await findConversationLinkByChat(t.db, [], 'chat-a')).toBeUndefined();
  });

  it('keeps the first contact hint only, and none once the binding has a state', async () => {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, T0);
    expect(conversation).toMatchObject({ contactHint: null, contactId: null, contactState: null });

    expect(await setConversationContactHint(t.db, conversation.id, '{"id":7}', T0 + 1)).toBe(true);
    expect(await setConversationContactHint(t.db, conversation.id, '{"id":8}', T0 + 2)).toBe(false);
    expect(await findConversationById(t.db, conversation.id)).toMatchObject({
      contactHint: '{"id":7}',
      updatedAt: T0 + 1,
    });

    const { conversation: crm } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-2' }, T0);
    expect(await setConversationContact(t.db, crm.id, { contactId: null, state: 'crm' }, T0 + 3)).toBe(true);
    expect(await setConversationContactHint(t.db, crm.id, '{"phone":"+1"}', T0 + 4)).toBe(false);
    expect((await findConversationById(t.db, crm.id))?.contactHint).toBeNull();
  });

  it('records the bound contact, which the conversation read reports', async () => {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, T0);
    const big = 4_102_444_800_123; // amoCRM ids are integers; one beyond 32 bits must read back exactly
    expect(await setConversationContact(t.db, conversation.id, { contactId: null, state: 'pending' }, T0 + 1)).toBe(
      true,
    );
    expect(await setConversationContact(t.db, conversation.id, { contactId: big, state: 'bound' }, T0 + 2)).toBe(true);
    expect(await findConversation(t.db, link.id, 'c-1')).toMatchObject({
      contactId: big,
      contactState: 'bound',
      updatedAt: T0 + 2,
    });
    expect(await setConversationContact(t.db, 'no-such-row', { contactId: 1, state: 'bound' }, T0)).toBe(false);
  });

  it("finds another link of the account holding a conversation id, live or not, never another account's", async () => {
    const a = await seedLink(t.db);
    const created = await createLink(
      t.db,
      {
        ...linkInput({ accountId: a.accountId, subdomain: a.subdomain, amojoId: a.amojoId, scopeId: a.scopeId }),
        pipelineId: null,
      },
      T0,
    );
    if (!created.ok) throw new Error('refused');
    const b = created.link;
    const stranger = await seedLink(t.db);
    await ensureConversation(t.db, { linkId: a.id, conversationId: 'c-a' }, T0);
    await ensureConversation(t.db, { linkId: b.id, conversationId: 'c-b' }, T0);
    await ensureConversation(t.db, { linkId: stranger.id, conversationId: 'c-x' }, T0);

    expect(await findConversationIdHolder(t.db, a.accountId, 'c-a', b.id)).toBe(a.id);
    expect(await findConversationIdHolder(t.db, a.accountId, 'c-b', a.id)).toBe(b.id);
    // The asking link's own conversation is not "another link's"; an unknown id has no holder.
    expect(await findConversationIdHolder(t.db, a.accountId, 'c-a', a.id)).toBeUndefined();
    expect(await findConversationIdHolder(t.db, a.accountId, 'c-new', b.id)).toBeUndefined();
    // Another account's conversation ids are its own.
    expect(await findConversationIdHolder(t.db, a.accountId, 'c-x', a.id)).toBeUndefined();
    expect(await findConversationIdHolder(t.db, stranger.accountId, 'c-a', stranger.id)).toBeUndefined();
    // An unlinked number keeps its ids.
    expect(await unlinkLinkById(t.db, b.id, T0 + 1)).toBeDefined();
    expect(await findConversationIdHolder(t.db, a.accountId, 'c-b', a.id)).toBe(b.id);
  });

  it('fails a pending binding only', async () => {
    const link = await seedLink(t.db);
    const { conversation: pending } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-1' }, T0);
    await setConversationContact(t.db, pending.id, { contactId: null, state: 'pending' }, T0);
    expect(await failPendingContact(t.db, pending.id, T0 + 1)).toBe(true);
    expect(await findConversationById(t.db, pending.id)).toMatchObject({ contactState: 'failed', updatedAt: T0 + 1 });

    const { conversation: bound } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-2' }, T0);
    await setConversationContact(t.db, bound.id, { contactId: 5, state: 'bound' }, T0);
    expect(await failPendingContact(t.db, bound.id, T0 + 1)).toBe(false);
    expect(await findConversationById(t.db, bound.id)).toMatchObject({ contactId: 5, contactState: 'bound' });

    const { conversation: none } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'c-3' }, T0);
    expect(await failPendingContact(t.db, none.id, T0 + 1)).toBe(false);
    expect((await findConversationById(t.db, none.id))?.contactState).toBeNull();
  });
});
