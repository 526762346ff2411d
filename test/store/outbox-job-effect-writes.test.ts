import { expect, it } from 'vitest';
import { ensureConversation, findConversationById, touchInbound } from '../../src/store/conversations-repo';
import { findMessageByOurId, recordMessage, setAmojoMsgId } from '../../src/store/messages-repo';
import { writeJobEffects } from '../../src/store/write-job-effects';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('writeJobEffects: the batched writes of finished jobs', (t) => {
  async function conversationWithMessages(name: string, count: number) {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: name }, T0);
    const messages = [];
    for (let i = 0; i < count; i++) {
      const base = { linkId: link.id, conversationRowId: conversation.id, direction: 'in' as const };
      messages.push((await recordMessage(t.db, { ...base, ourMsgid: `${name}-${i}` }, T0)).message);
    }
    return { link, conversation, messages };
  }

  it('leaves what the jobs’ own writes one after another leave: the first amojo id, the latest client time', async () => {
    const one = await conversationWithMessages('one', 3);
    const two = await conversationWithMessages('two', 1);
    const [m0, m1, m2] = one.messages;
    const [n0] = two.messages;
    if (!m0 || !m1 || !m2 || !n0) throw new Error('messages seeded');
    // Stored before: an id the batch must not replace, a client time the batch must not move back.
    await setAmojoMsgId(t.db, m2.id, 'amojo-kept', T0);
    await touchInbound(t.db, two.conversation.id, T0 + 900);

    await t.db.transaction().execute((trx) =>
      writeJobEffects(
        trx,
        [
          {
            amojoMsgIds: [{ messageId: m0.id, amojoMsgId: 'amojo-0' }],
            inboundAt: [{ conversationId: one.conversation.id, at: T0 + 300 }],
          },
          {
            amojoMsgIds: [{ messageId: m1.id, amojoMsgId: 'amojo-1' }],
            inboundAt: [{ conversationId: one.conversation.id, at: T0 + 500 }],
          },
          // The same message again (a duplicate's job): the first id given wins, as setAmojoMsgId keeps it.
          {
            amojoMsgIds: [{ messageId: m0.id, amojoMsgId: 'amojo-0-later' }],
            inboundAt: [{ conversationId: one.conversation.id, at: T0 + 400 }],
          },
          { amojoMsgIds: [{ messageId: m2.id, amojoMsgId: 'amojo-2' }] },
          {
            amojoMsgIds: [{ messageId: n0.id, amojoMsgId: 'amojo-n' }],
            inboundAt: [{ conversationId: two.conversation.id, at: T0 + 800 }],
          },
          // A row that is not there changes nothing, as the single UPDATE would not.
          {
            amojoMsgIds: [{ messageId: 'no-such-message', amojoMsgId: 'amojo-x' }],
            inboundAt: [{ conversationId: 'no-such-conversation', at: T0 }],
          },
          {},
        ],
        T0 + 1000,
      ),
    );

    const amojoIdOf = async (ourMsgid: string, linkId: string) =>
      (await findMessageByOurId(t.db, linkId, ourMsgid))?.amojoMsgId;
    expect(await amojoIdOf('one-0', one.link.id)).toBe('amojo-0');
    expect(await amojoIdOf('one-1', one.link.id)).toBe('amojo-1');
    expect(await amojoIdOf('one-2', one.link.id)).toBe('amojo-kept');
    expect(await amojoIdOf('two-0', two.link.id)).toBe('amojo-n');
    expect((await findMessageByOurId(t.db, one.link.id, 'one-0'))?.updatedAt).toBe(T0 + 1000);
    expect(await findConversationById(t.db, one.conversation.id)).toMatchObject({
      lastInboundAt: T0 + 500,
      updatedAt: T0 + 500,
    });
    expect(await findConversationById(t.db, two.conversation.id)).toMatchObject({ lastInboundAt: T0 + 900 });
  });

  it('takes ids of any shape through its batch: quotes, commas, braces, backslashes and non-Latin letters', async () => {
    const { link, messages } = await conversationWithMessages('odd', 1);
    const [message] = messages;
    if (!message) throw new Error('message seeded');
    const amojoMsgId = `id "quoted", {braced} \\ back'slash, ÿ и 文字 NULL`;
    await writeJobEffects(t.db, [{ amojoMsgIds: [{ messageId: message.id, amojoMsgId }] }], T0);
    expect((await findMessageByOurId(t.db, link.id, 'odd-0'))?.amojoMsgId).toBe(amojoMsgId);
  });
});
