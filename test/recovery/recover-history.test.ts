import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmojoClient, createAmojoClient } from '../../src/amojo/create-amojo-client';
import { createRecoverySweep } from '../../src/recovery/create-recovery-sweep';
import { recoverHistory } from '../../src/recovery/recover-history';
import { CHANNEL_ID, CHANNEL_SECRET, waitFor } from '../relay/helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from '../relay/helpers/relay-harness';

// Manager messages whose hooks amojo dropped while we were "down" come back from chat history, once each, in order.
describe('recovery: missed manager messages read back from amojo history', () => {
  let h: RelayHarness;
  beforeEach(async () => {
    h = await startRelayHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /**
   * A chat the client opened, with one manager reply that arrived as a live hook (which is how we learn amojo's chat
   * id), delivered to the messenger.
   */
  async function openChat(conversationId: string) {
    const first = await h.clientMessage({
      messengerId: `in-${conversationId}`,
      conversationId,
      clientId: `client-${conversationId}`,
    });
    const sentIn = await waitFor('the client message at amojo', () =>
      h.emulator.findMessageByMsgid(h.scopeId, first.msgid),
    );
    const chatId = sentIn?.chatId ?? '';
    await say(chatId, `live ${conversationId}`);
    await waitFor('the live reply delivered', () => texts(conversationId).includes(`live ${conversationId}`));
    // Its delivery status to amojo too, so a misbehaviour queued next meets the history read, not that call.
    await waitFor('all jobs done', () => h.settled());
    return chatId;
  }

  const say = async (chatId: string, text: string) =>
    (await h.emulator.sendMessage({ chatId, message: { type: 'text', text } })).message;
  /** What the messenger accepted in one conversation, in arrival order. */
  const texts = (conversationId: string) =>
    h.messenger
      .accepted()
      .filter((e) => e.type === 'message' && e.conversation?.id === conversationId)
      .map((e) => (e.type === 'message' && e.message.type === 'text' ? e.message.text : undefined));
  const sweep = (startedAt: number) =>
    createRecoverySweep({
      db: h.db,
      windowHours: 24,
      maxChats: 200,
      everyMs: 0,
      startedAt,
      onQueued: () => h.worker.notify(),
    }).runOnce('start');
  const recoveredCount = async () => /amojo_hooks_recovered_total (\d+)/.exec(await h.metrics.registry.metrics())?.[1];

  it('delivers 3 missed messages of one chat and 1 of another exactly once, in order, and nothing on a second pass', async () => {
    const chatA = await openChat('conv-a');
    const chatB = await openChat('conv-b');
    h.emulator.setHookDelivery({ mode: 'drop' });
    for (const text of ['a1', 'a2', 'a3']) await say(chatA, text);
    await say(chatB, 'b1');
    expect(h.emulator.listHookDeliveries().filter((d) => d.state === 'dropped')).toHaveLength(4);
    h.emulator.setHookDelivery({ mode: 'send' });

    expect(await sweep(Date.now())).toBe(2);
    await waitFor('the missed messages delivered', () => texts('conv-a').length === 4 && texts('conv-b').length === 2);
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-a')).toEqual(['live conv-a', 'a1', 'a2', 'a3']);
    expect(texts('conv-b')).toEqual(['live conv-b', 'b1']);
    expect(await recoveredCount()).toBe('4');

    // A later start reads again and finds everything held: nothing is queued for delivery a second time.
    expect(await sweep(Date.now())).toBe(2);
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-a')).toHaveLength(4);
    expect(texts('conv-b')).toHaveLength(2);
    expect(await recoveredCount()).toBe('4');
    const deliveries = (await h.jobs()).filter((j) => j.kind === 'bridge.deliver');
    expect(deliveries).toHaveLength(6);
  });

  it('recovers the first reply of a chat whose amojo id it never learned, asking create-chat for the id', async () => {
    const first = await h.clientMessage({ messengerId: 'in-conv-new', conversationId: 'conv-new', clientId: 'c-new' });
    const sentIn = await waitFor('the client message at amojo', () =>
      h.emulator.findMessageByMsgid(h.scopeId, first.msgid),
    );
    await waitFor('all jobs done', () => h.settled());
    const chatId = sentIn?.chatId ?? '';
    const before = await h.db.selectFrom('conversations').select('amojoChatId').executeTakeFirstOrThrow();
    expect(before.amojoChatId).toBeNull();
    h.emulator.setHookDelivery({ mode: 'drop' });
    await say(chatId, 'first reply, missed');
    h.emulator.setHookDelivery({ mode: 'send' });
    const chats = h.emulator.listChats().length;

    expect(await sweep(Date.now())).toBe(1);
    await waitFor('the missed reply delivered', () => texts('conv-new').includes('first reply, missed'));
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-new')).toEqual(['first reply, missed']);
    const after = await h.db.selectFrom('conversations').select('amojoChatId').executeTakeFirstOrThrow();
    expect(after.amojoChatId).toBe(chatId);
    // create-chat gave the existing chat back: no second chat was opened at amojo.
    expect(h.emulator.listChats().length).toBe(chats);
  });

  it('queues no read for a conversation none of whose messages reached amojo', async () => {
    h.emulator.misbehave({ status: 400, count: 9 });
    await h.clientMessage({ messengerId: 'in-conv-x', conversationId: 'conv-x', clientId: 'c-x' });
    await waitFor('the message given up', async () => (await h.jobs()).some((j) => j.status === 'dead'), 15_000);
    h.emulator.clearMisbehaviour();
    expect(await sweep(Date.now())).toBe(0);
  });

  it('never takes a message we sent for a manager’s, even when history leaves its client_id out', async () => {
    const chatA = await openChat('conv-a');
    await h.clientMessage({ messengerId: 'in-again', conversationId: 'conv-a', clientId: 'client-conv-a' });
    await waitFor('all jobs done', () => h.settled());
    const real = createAmojoClient({ channelId: CHANNEL_ID, secret: CHANNEL_SECRET, baseUrl: h.emulator.url });
    // The docs let amojo omit empty fields: here it names neither our msgid nor our client on any item.
    const bare = {
      ...real,
      history: async (...args: Parameters<AmojoClient['history']>) => {
        const page = await real.history(...args);
        return {
          messages: page.messages.map(({ sender, message, ...item }) => {
            const { client_id: _m, ...content } = message;
            const { client_id: _s, ...who } = sender;
            return { ...item, sender: { ...who, id: 'someone' }, message: content };
          }),
        };
      },
    } as AmojoClient;
    const conversation = await h.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
    const result = await recoverHistory(
      { db: h.db, amojo: () => bare, link: async () => h.link, now: Date.now },
      {
        kind: 'amojo.recover_history',
        linkId: h.link.id,
        conversationRowId: conversation.id,
        since: Date.now() - 3_600_000,
        heldBefore: Date.now(),
      },
    );
    // Both client messages are known by their amojo ids; the live reply is held: nothing is "recovered".
    expect(result.outcome).toBe('nothing_missed');
    expect(h.emulator.listChats().map((c) => c.id)).toContain(chatA);
  });

  it('treats the hook of a recovered message as a duplicate when amojo sends it late', async () => {
    const chatA = await openChat('conv-a');
    h.emulator.setHookDelivery({ mode: 'drop' });
    const missed = await say(chatA, 'late hook');
    h.emulator.setHookDelivery({ mode: 'send' });
    await sweep(Date.now());
    await waitFor('recovered and delivered', () => texts('conv-a').length === 2);

    const dropped = h.emulator.listHookDeliveries().find((d) => d.state === 'dropped');
    expect(dropped?.body).toContain(missed.id);
    const late = await fetch(h.hookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': dropped?.signature ?? '' },
      body: dropped?.body ?? '',
    });
    expect(late.status).toBe(200);
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-a')).toEqual(['live conv-a', 'late hook']);
  });

  it('passes over a live hook that arrived after the restart and still finds the message missed before it', async () => {
    const chatA = await openChat('conv-a');
    h.emulator.setHookDelivery({ mode: 'drop' });
    await say(chatA, 'sent while down');
    h.emulator.setHookDelivery({ mode: 'send' });
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await say(chatA, 'sent after the restart');
    await waitFor('the live one delivered', () => texts('conv-a').includes('sent after the restart'));

    await sweep(startedAt);
    await waitFor('the missed one delivered', () => texts('conv-a').includes('sent while down'));
    await waitFor('all jobs done', () => h.settled());
    // Late rather than lost: the messenger orders by created_at, which is the time the manager sent it.
    expect(texts('conv-a')).toEqual(['live conv-a', 'sent after the restart', 'sent while down']);
    const recovered = h.messenger
      .accepted()
      .find((e) => e.type === 'message' && e.message.type === 'text' && e.message.text === 'sent while down');
    const live = h.messenger
      .accepted()
      .find((e) => e.type === 'message' && e.message.type === 'text' && e.message.text === 'sent after the restart');
    expect(recovered && live && recovered.created_at <= live.created_at).toBe(true);
  });

  it('reads past a later hook another instance held while this one was dying, to the one it lost', async () => {
    const chatA = await openChat('conv-a');
    h.emulator.setHookDelivery({ mode: 'drop' });
    await say(chatA, 'lost in the crash');
    h.emulator.setHookDelivery({ mode: 'send' });
    // Another instance took the next hook before this one came back up.
    await say(chatA, 'taken by the other instance');
    await waitFor('the later one delivered', () => texts('conv-a').includes('taken by the other instance'));
    await new Promise((resolve) => setTimeout(resolve, 5));

    await sweep(Date.now());
    await waitFor('the lost one delivered', () => texts('conv-a').includes('lost in the crash'));
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-a')).toEqual(['live conv-a', 'taken by the other instance', 'lost in the crash']);
  });

  it('retries after amojo answers 429 to the history read', async () => {
    const chatA = await openChat('conv-a');
    h.emulator.setHookDelivery({ mode: 'drop' });
    await say(chatA, 'behind a 429');
    h.emulator.setHookDelivery({ mode: 'send' });
    h.emulator.misbehave({ status: 429, count: 2 });
    await sweep(Date.now());
    await waitFor('delivered after the retries', () => texts('conv-a').includes('behind a 429'), 15_000);
    await waitFor('all jobs done', () => h.settled());
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/amojo_calls_total\{endpoint="history",outcome="429"\} 2\n/);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amojo.recover_history');
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
    expect(texts('conv-a')).toEqual(['live conv-a', 'behind a 429']);
  });

  it('reads past the first page: 70 missed messages arrive once each, oldest first', async () => {
    const chatA = await openChat('conv-a');
    h.emulator.setHookDelivery({ mode: 'drop' });
    const sent: string[] = [];
    for (let i = 1; i <= 70; i += 1) {
      sent.push(`m${i}`);
      await say(chatA, `m${i}`);
    }
    h.emulator.setHookDelivery({ mode: 'send' });
    await sweep(Date.now());
    await waitFor('all 70 delivered', () => texts('conv-a').length === 71, 20_000);
    await waitFor('all jobs done', () => h.settled());
    expect(texts('conv-a')).toEqual(['live conv-a', ...sent]);
    expect(await recoveredCount()).toBe('70');
  });
});
