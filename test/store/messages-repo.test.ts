import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ensureConversation } from '../../src/store/conversations-repo';
import {
  advanceMessageStatus,
  findMessageByAmojoId,
  findMessageByOurId,
  MessageStatus,
  type MessageStatusCode,
  recordMessage,
  setAmojoMsgId,
  setOurMsgid,
} from '../../src/store/messages-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const { sent, delivered, read, error } = MessageStatus;

describeEachDatabase('messages repo', (t) => {
  const setup = async () => {
    const link = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'conv-1' }, T0);
    return { linkId: link.id, conversationRowId: conversation.id };
  };

  it('records a message once per our msgid and once per amojo id, per link', async () => {
    const base = await setup();
    const first = await recordMessage(t.db, { ...base, direction: 'in', ourMsgid: 'ours-1' }, T0);
    expect(first).toMatchObject({ created: true, message: { status: sent, direction: 'in', amojoMsgId: null } });
    const again = await recordMessage(t.db, { ...base, direction: 'in', ourMsgid: 'ours-1' }, T0 + 1);
    expect(again).toEqual({ created: false, message: first.message });

    const out = await recordMessage(t.db, { ...base, direction: 'out', amojoMsgId: 'amojo-1' }, T0);
    expect(out.created).toBe(true);
    expect((await recordMessage(t.db, { ...base, direction: 'out', amojoMsgId: 'amojo-1' }, T0)).created).toBe(false);

    // The same ids under another link are other messages.
    const other = await seedLink(t.db);
    const { conversation } = await ensureConversation(t.db, { linkId: other.id, conversationId: 'conv-1' }, T0);
    const elsewhere = {
      linkId: other.id,
      conversationRowId: conversation.id,
      direction: 'in' as const,
      ourMsgid: 'ours-1',
    };
    expect((await recordMessage(t.db, elsewhere, T0)).created).toBe(true);
  });

  it('fills in the other side id once and never replaces it', async () => {
    const base = await setup();
    const { message } = await recordMessage(t.db, { ...base, direction: 'in', ourMsgid: 'ours-2' }, T0);
    expect(await setAmojoMsgId(t.db, message.id, 'amojo-2', T0 + 1)).toBe(true);
    expect(await setAmojoMsgId(t.db, message.id, 'amojo-other', T0 + 2)).toBe(false);
    expect((await findMessageByAmojoId(t.db, base.linkId, 'amojo-2'))?.id).toBe(message.id);

    const out = await recordMessage(t.db, { ...base, direction: 'out', amojoMsgId: 'amojo-3' }, T0);
    expect(await setOurMsgid(t.db, out.message.id, 'messenger-3', T0 + 1)).toBe(true);
    expect(await setOurMsgid(t.db, out.message.id, 'messenger-x', T0 + 1)).toBe(false);
    expect((await findMessageByOurId(t.db, base.linkId, 'messenger-3'))?.id).toBe(out.message.id);
  });

  it('moves statuses forward only: delivered then read, never back, error only over sent', async () => {
    const base = await setup();
    const { message } = await recordMessage(t.db, { ...base, direction: 'out', amojoMsgId: 'amojo-s' }, T0);
    const advance = (status: MessageStatusCode, errorCode?: number) =>
      advanceMessageStatus(t.db, message.id, { status, errorCode: errorCode ?? null, now: T0 });
    const current = async () => {
      const row = await findMessageByAmojoId(t.db, base.linkId, 'amojo-s');
      return [row?.status, row?.errorCode];
    };

    expect(await advance(error, 903)).toBe(true);
    expect(await current()).toEqual([error, 903]);
    expect(await advance(error, 905)).toBe(false);
    expect(await current()).toEqual([error, 903]);
    expect(await advance(delivered)).toBe(true);
    expect(await current()).toEqual([delivered, null]);
    expect(await advance(delivered)).toBe(false);
    expect(await advance(read)).toBe(true);
    expect(await advance(delivered)).toBe(false);
    expect(await advance(error, 901)).toBe(false);
    expect(await advance(sent)).toBe(false);
    expect(await current()).toEqual([read, null]);
  });

  it('ends at the highest status of any sequence of reports, and reports a change only when it moved', async () => {
    const base = await setup();
    const rank = new Map<number, number>([
      [sent, 0],
      [error, 1],
      [delivered, 2],
      [read, 3],
    ]);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(sent, delivered, read, error), { maxLength: 8 }), async (reports) => {
        n += 1;
        const { message } = await recordMessage(t.db, { ...base, direction: 'out', amojoMsgId: `p-${n}` }, T0);
        let best: number = sent;
        for (const status of reports) {
          const changed = await advanceMessageStatus(t.db, message.id, { status, errorCode: 905, now: T0 });
          const moves = (rank.get(status) ?? 0) > (rank.get(best) ?? 0);
          expect(changed).toBe(moves);
          if (moves) best = status;
        }
        const row = await findMessageByAmojoId(t.db, base.linkId, `p-${n}`);
        expect(row?.status).toBe(best);
      }),
      { numRuns: 40 },
    );
  });
});
