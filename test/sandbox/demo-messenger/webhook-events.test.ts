import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docEvent, type Messenger, START, startMessenger } from './harness';
import { openSse } from './sse-reader';

const PICTURE_HOOK = 'hook-message-v2-picture.json';
const AMOJO_MSG = '0371a0ff-b78a-4c7b-8538-a7d547e10692';
const AMOJO_CHAT = '8e4d4baa-9e6c-4a88-838a-5f62be227bdc';

/** The text hook with the messenger's ids removed: a manager wrote first, to +79151112233. */
const writeFirst = (eventId: string, amojoMessageId = AMOJO_MSG) =>
  docEvent('hook-message-v2-text-with-source.json', { eventId }, (hook) => {
    delete hook.message.conversation.client_id;
    delete hook.message.receiver.client_id;
    hook.message.message.id = amojoMessageId;
  });

describe('demo messenger webhook: events', () => {
  let m: Messenger;
  beforeEach(async () => {
    m = await startMessenger();
    await m.configure();
  });
  afterEach(() => m.close());

  it('stores a manager picture with its buttons and template, and answers with its own message id', async () => {
    const answer = await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'evt-1' }));
    expect(answer.status).toBe(200);
    expect(answer.json.message_id).toMatch(/^mm-/);

    const [conversation, ...others] = m.messenger.state().conversations;
    expect(others).toEqual([]);
    expect(conversation).toMatchObject({
      id: 'my_int-d5a421f7f218',
      phone: '79161234567',
      client: { id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8' },
      amojoChatId: AMOJO_CHAT,
    });
    expect(conversation?.messages).toEqual([
      expect.objectContaining({
        id: answer.json.message_id,
        direction: 'manager',
        status: 'delivered',
        amojoMessageId: AMOJO_MSG,
        eventId: 'evt-1',
        content: expect.objectContaining({ type: 'picture', url: 'https://amojo.amocrm.ru/attachments/image.jpg' }),
        markup: { buttons: [[{ text: 'Принять заказ' }, { text: 'Отменить заказ' }]] },
        template: { id: '7103', content: 'Текст сообщения {{lead.name}}' },
      }),
    ]);
  });

  it('shows a redelivered event once and answers it with the same message id', async () => {
    const event = docEvent(PICTURE_HOOK, { eventId: 'evt-dup' });
    const first = await m.deliver(event);
    m.clock.now += 60_000;
    const again = await m.deliver(event);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ message_id: first.json.message_id, duplicate: true });
    expect(m.messenger.state().conversations[0]?.messages).toHaveLength(1);
    expect(m.messenger.state().events.map((e) => e.id)).toEqual(['evt-dup']);
  });

  it('keeps a List Message with its rows', async () => {
    await m.deliver(docEvent('hook-message-v2-list-message.json', { eventId: 'evt-list' }));
    const message = m.messenger.state().conversations[0]?.messages[0];
    expect(message?.markup?.list).toMatchObject({
      body: 'Пожалуйста, выберите один из вариантов ответа в меню по кнопке ниже.',
      sections: [{ rows: [{ callback_data: 'vG9ujre8N7', title: 'Услуга 1' }] }],
    });
  });

  it('starts a conversation by phone on conversation.started and names it in the answer', async () => {
    const answer = await m.deliver(writeFirst('evt-wf-1'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      message_id: expect.stringMatching(/^mm-/),
      conversation_id: 'conv-79151112233',
      recipient_id: 'client-79151112233',
    });
    const conversation = m.messenger.state().conversations[0];
    expect(conversation).toMatchObject({
      id: 'conv-79151112233',
      phone: '+79151112233',
      startedBy: 'manager',
      amojoChatId: AMOJO_CHAT,
      client: { id: 'client-79151112233' },
    });

    // Until the backend names the chat, more messages come the same way: they land in the same conversation.
    const second = await m.deliver(writeFirst('evt-wf-2', 'amojo-msg-2'));
    expect(second.json.conversation_id).toBe('conv-79151112233');
    expect(m.messenger.state().conversations).toHaveLength(1);
    expect(m.messenger.state().conversations[0]?.messages.map((x) => x.amojoMessageId)).toEqual([
      AMOJO_MSG,
      'amojo-msg-2',
    ]);
  });

  it('puts a write-first message into the conversation the client already has for that number', async () => {
    const opened = await m.openConversation('+7 915 111-22-33', 'Olga');
    const answer = await m.deliver(writeFirst('evt-wf-3'));
    expect(answer.json.conversation_id).toBe(opened.id);
    expect(m.messenger.state().conversations).toHaveLength(1);
  });

  it("shows the manager's typing until expires_at (at most 30 s) and hides it when the message comes", async () => {
    const now = START / 1000;
    await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'evt-c7' }, (h) => (h.message.conversation.client_id = 'c7')));
    const typing = (eventId: string, expiresIn: number) =>
      docEvent('hook-typing.json', { eventId }, (h) => {
        h.time = now;
        h.action.typing.expired_at = now + expiresIn;
      });
    expect((await m.deliver(typing('evt-t1', 5))).json).toEqual({});
    expect(m.messenger.state().conversations[0]?.typing).toEqual({
      senderId: 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2',
      expiresAt: START + 5000,
    });
    await m.deliver(typing('evt-t2', 3600));
    expect(m.messenger.state().conversations[0]?.typing?.expiresAt).toBe(START + 30_000);

    const reply = docEvent(PICTURE_HOOK, { eventId: 'evt-c7-2' }, (h) => {
      h.message.conversation.client_id = 'c7';
      h.message.message.id = 'amojo-after-typing';
    });
    await m.deliver(reply);
    expect(m.messenger.state().conversations[0]?.typing).toBeUndefined();
  });

  it('takes typing in a conversation it does not know with 200 and shows nothing', async () => {
    const answer = await m.deliver(docEvent('hook-typing.json', { eventId: 'evt-t-unknown' }));
    expect(answer).toEqual({ status: 200, json: {} });
    expect(m.messenger.state().conversations).toEqual([]);
    expect(m.messenger.state().events).toEqual([expect.objectContaining({ id: 'evt-t-unknown', type: 'typing' })]);
  });

  it('sets and removes a manager reaction on a manager message (by message_id) and a client message (by id)', async () => {
    const reacted = 'cd05887d-bb16-4e11-b298-40455cc77195';
    await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'evt-m' }, (h) => (h.message.message.id = reacted)));
    const reaction = (eventId: string, type: 'react' | 'unreact', ids: Record<string, string> = {}) =>
      docEvent('hook-reaction.json', { eventId, messengerIds: ids }, (h) => {
        h.action.reaction.type = type;
        if (type === 'unreact') delete h.action.reaction.emoji;
      });
    const managerMessage = () =>
      m.messenger.state().conversations.find((c) => c.id === 'my_int-d5a421f7f218')?.messages[0];
    await m.deliver(reaction('evt-r1', 'react'));
    expect(managerMessage()?.reactions).toEqual({ managers: { 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2': '😍' } });
    await m.deliver(reaction('evt-r2', 'unreact'));
    expect(managerMessage()?.reactions).toEqual({ managers: {} });

    const conversation = await m.openConversation();
    const sent = await m.api('POST', `/api/conversations/${conversation.id}/messages`, { type: 'text', text: 'Hi' });
    // The backend names the messenger's own id when the reacted message came from the messenger; that id wins.
    await m.deliver(reaction('evt-r3', 'react', { [reacted]: sent.json.message.id }));
    const clientMessage = () => m.messenger.state().conversations.find((c) => c.id === conversation.id)?.messages[0];
    expect(clientMessage()?.reactions.managers).toEqual({ 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2': '😍' });
    expect(managerMessage()?.reactions).toEqual({ managers: {} });
  });

  it('records test events, in the contract shape and in the older event_id shape', async () => {
    const test = await m.deliver({ id: 'evt-test-1', type: 'test', created_at: '2026-03-02T10:00:00Z', text: 'ping' });
    expect(test).toEqual({ status: 200, json: {} });
    expect(m.messenger.state().lastTest).toEqual({ id: 'evt-test-1', type: 'test', receivedAt: START, text: 'ping' });
    m.clock.now += 1000;
    await m.deliver({ type: 'test', event_id: 'evt-test-2', occurred_at: '2026-03-02T10:00:01Z' });
    expect(m.messenger.state().lastTest).toEqual({ id: 'evt-test-2', type: 'test', receivedAt: START + 1000 });
  });

  it('pushes every change to the page over SSE', async () => {
    const sse = await openSse(m.messenger.url);
    try {
      expect(sse.headers.get('content-type')).toBe('text/event-stream');
      const initial = await sse.until(() => true);
      expect(initial.conversations).toEqual([]);
      expect(initial.settings.configured).toBe(true);

      await m.deliver(writeFirst('evt-sse-1'));
      const started = await sse.until((s) => s.conversations.length === 1);
      expect(started.conversations[0]?.messages[0]).toMatchObject({ direction: 'manager', amojoMessageId: AMOJO_MSG });

      await m.deliver(
        docEvent('hook-typing.json', { eventId: 'evt-sse-2', conversationId: 'conv-79151112233' }, (h) => {
          h.action.typing.conversation.id = AMOJO_CHAT;
          delete h.action.typing.conversation.client_id;
          h.action.typing.expired_at = START / 1000 + 5;
        }),
      );
      const typing = await sse.until((s) => s.conversations[0]?.typing !== undefined);
      expect(typing.conversations[0]?.typing?.expiresAt).toBe(START + 5000);
      expect(typing.now).toBe(START);
    } finally {
      sse.close();
    }
  });
});
