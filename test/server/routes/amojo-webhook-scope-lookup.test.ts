import { expect, it } from 'vitest';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { bindConversation, ensureConversation } from '../../../src/store/conversations-repo';
import { findConversationHolders } from '../../../src/store/find-conversation-holders';
import { createLink, type Link, unlinkLinkById } from '../../../src/store/links-repo';
import { linkInput, seedLink } from '../../store/helpers/seed-link';
import { describeEachDatabase } from '../../store/helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('createScopeLookup: the links of a scope’s account', (t) => {
  /** A primary link and `more` links of the same account, created a millisecond apart. */
  async function account(more: number): Promise<Link[]> {
    const primary = await seedLink(t.db);
    const links = [primary];
    for (let i = 1; i <= more; i += 1) {
      const input = {
        ...linkInput(),
        accountId: primary.accountId,
        amojoId: primary.amojoId,
        scopeId: primary.scopeId,
      };
      const created = await createLink(t.db, { ...input, pipelineId: null }, T0 + i);
      if (!created.ok) throw new Error(`link refused: ${created.reason}`);
      links.push(created.link);
    }
    return links;
  }

  async function chat(link: Link, conversationId: string, amojoChatId?: string) {
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId }, T0);
    if (amojoChatId !== undefined) await bindConversation(t.db, conversation.id, { amojoChatId }, T0);
  }

  it('lists the unlinked links after the live ones, and finds their chats by amojo chat or our conversation id', async () => {
    const [a, b, c] = (await account(2)) as [Link, Link, Link];
    await unlinkLinkById(t.db, b.id, T0 + 10);
    await chat(b, 'conv-b', 'chat-b');
    await chat(b, 'conv-b-new');
    await chat(c, 'conv-c', 'chat-c');
    const scope = await createScopeLookup(t.db, { ttlMs: 0 })(a.scopeId ?? '');
    expect(scope?.linkId).toBe(a.id);
    expect(scope?.linkIds).toEqual([a.id, c.id, b.id]);
    expect(await scope?.linkOfChat('chat-b')).toBe(b.id);
    expect(await scope?.linkOfChat('chat-new', 'conv-b-new')).toBe(b.id);
    expect(await scope?.linkOfChat('chat-c')).toBe(c.id);
    expect(await scope?.linkOfChat('chat-unknown', 'conv-unknown')).toBeUndefined();
  });

  it('counts our conversation id only when a single link of the account holds it', async () => {
    const [a, b] = (await account(1)) as [Link, Link];
    await unlinkLinkById(t.db, b.id, T0 + 10);
    await chat(a, 'shared');
    await chat(b, 'shared');
    expect(await findConversationHolders(t.db, [a.id, b.id], 'shared')).toHaveLength(2);
    const scope = await createScopeLookup(t.db, { ttlMs: 0 })(a.scopeId ?? '');
    expect(await scope?.linkOfChat('chat-new', 'shared')).toBeUndefined();
  });

  it('ignores another account’s chats, and knows no scope once every link of the account is unlinked', async () => {
    const [a, b] = (await account(1)) as [Link, Link];
    const stranger = await seedLink(t.db);
    await chat(stranger, 'conv-s', 'chat-s');
    const lookup = createScopeLookup(t.db, { ttlMs: 0, negativeTtlMs: 0 });
    expect(await (await lookup(a.scopeId ?? ''))?.linkOfChat('chat-s', 'conv-s')).toBeUndefined();
    await unlinkLinkById(t.db, b.id, T0 + 10);
    await unlinkLinkById(t.db, a.id, T0 + 11);
    expect(await lookup(a.scopeId ?? '')).toBeUndefined();
  });
});
