import { afterEach, describe, expect, it } from 'vitest';
import { findMessageByAmojoId } from '../../src/store/messages-repo';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, type RelayHarnessOptions, startRelayHarness } from './helpers/relay-harness';

const HOUR = 60 * 60 * 1000;

// chats-api §1.8: amojo has no query for the window, so the relay judges it from the client's last message.
describe('relay: the client reply window', () => {
  let h: RelayHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function start(options: RelayHarnessOptions & { windowDisabled?: boolean } = {}) {
    const harness = await startRelayHarness(options);
    h = harness;
    if (options.windowDisabled) {
      await harness.db.updateTable('links').set({ timeWindowDisabled: 1 }).where('id', '=', harness.link.id).execute();
    }
    return harness;
  }

  /** A client message, its time moved `lastInboundAgoMs` into the past, then a manager reply to it. */
  async function managerReplyAfter(harness: RelayHarness, lastInboundAgoMs: number) {
    const first = await harness.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () =>
      harness.emulator.findMessageByMsgid(harness.scopeId, first.msgid),
    );
    // The relay records the client's message time as it sends the message to amojo (committed just after).
    const touched = await waitFor('the client message time recorded', async () => {
      const row = await harness.db
        .selectFrom('conversations')
        .select('lastInboundAt')
        .where('id', '=', first.conversationRowId)
        .executeTakeFirst();
      return row?.lastInboundAt ?? undefined;
    });
    expect(touched).toBeGreaterThan(Date.now() - 60_000);
    await harness.db
      .updateTable('conversations')
      .set({ lastInboundAt: Date.now() - lastInboundAgoMs })
      .where('id', '=', first.conversationRowId)
      .execute();
    const chat = harness.emulator.listChats(harness.scopeId)[0];
    const sent = await harness.emulator.sendMessage({
      chatId: chat?.id ?? '',
      message: { type: 'text', text: 'Your order is ready' },
    });
    return sent.message.id;
  }

  const status = (harness: RelayHarness, id: string) => harness.emulator.getMessage(id)?.deliveryStatus;

  it('delivers a manager reply inside the window', async () => {
    const harness = await start({ worker: { timeWindowSeconds: 3600 } });
    const amojoMsgId = await managerReplyAfter(harness, HOUR / 2);
    await waitFor('delivered at amojo', () => status(harness, amojoMsgId)?.status === 1);
    expect(harness.messenger.accepted().map((e) => e.type === 'message' && e.message_id)).toEqual([amojoMsgId]);
  });

  it('does not deliver after the window and tells the manager why with -1 / 905', async () => {
    const harness = await start({ worker: { timeWindowSeconds: 3600 } });
    const amojoMsgId = await managerReplyAfter(harness, 3 * HOUR + 60_000);
    await waitFor('the error status at amojo', () => status(harness, amojoMsgId)?.status === -1);
    const reported = status(harness, amojoMsgId);
    expect(reported).toMatchObject({
      errorCode: 905,
      error: "The client's reply window closed 2 hours ago; the messenger does not allow messages after it.",
    });
    expect(reported?.error?.length).toBeLessThanOrEqual(200);
    await waitFor('all jobs done', () => harness.settled());
    expect(harness.messenger.received).toEqual([]);
    const deliver = (await harness.jobs()).find((j) => j.kind === 'bridge.deliver');
    // Final rather than a dead letter: replaying it could never reopen the window.
    expect(deliver?.status).toBe('done');
    expect((await findMessageByAmojoId(harness.db, harness.link.id, amojoMsgId))?.direction).toBe('out');
  });

  it('delivers regardless when the account turned the window off', async () => {
    const harness = await start({ worker: { timeWindowSeconds: 3600 }, windowDisabled: true });
    const amojoMsgId = await managerReplyAfter(harness, 30 * HOUR);
    await waitFor('delivered at amojo', () => status(harness, amojoMsgId)?.status === 1);
    expect(harness.messenger.accepted()).toHaveLength(1);
  });

  it('delivers regardless when no window is configured', async () => {
    const harness = await start();
    const amojoMsgId = await managerReplyAfter(harness, 30 * 24 * HOUR);
    await waitFor('delivered at amojo', () => status(harness, amojoMsgId)?.status === 1);
    expect(harness.messenger.accepted()).toHaveLength(1);
  });
});
