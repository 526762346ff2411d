import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookToBridgeEvent } from '../../../src/bridge/hook-to-bridge-event';
import { parseAmojoWebhook } from '../../../src/contracts/amojo';
import type { InboxState } from '../../../src/sandbox/amocrm-page/page-types';
import { inboundText, SCOPE_ID } from '../amojo-emulator/harness';
import { type PageHarness, startPageHarness, USER_AMOJO_ID } from './page-harness';

describe('sandbox inbox', () => {
  let h: PageHarness;
  beforeEach(async () => {
    h = await startPageHarness();
  });
  afterEach(() => h.close());

  async function state(chatId?: string): Promise<InboxState> {
    const response = await h.fetchPage(`/_sandbox/inbox/state${chatId === undefined ? '' : `?chat=${chatId}`}`);
    expect(response.status).toBe(200);
    return (await response.json()) as InboxState;
  }

  /** A connected account and one chat opened by a client message, as our backend would create it. */
  async function clientChat(text = 'Where is my order?') {
    await h.amojo.connect();
    const sent = await h.amojo.call({
      path: h.amojo.paths.message(),
      body: inboundText('m-1', 'conv-1', 'client-1', text),
    });
    expect(sent.status).toBe(200);
    return h.amojo.emulator.listChats()[0]!.id;
  }

  function lastHook() {
    const raw = h.amojo.receiver.received.at(-1)?.raw.toString();
    if (raw === undefined) throw new Error('no hook received');
    return { raw: JSON.parse(raw), parsed: parseAmojoWebhook(JSON.parse(raw)) };
  }

  it('serves the inbox page with its test hooks', async () => {
    const html = await (await h.fetchPage('/inbox')).text();
    for (const id of ['chat-list', 'thread', 'reply-input', 'reply-send', 'write-first-phone', 'client-typing']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('src="/_sandbox/assets/inbox.js"');
    expect(html).toContain(`${h.page.url}/_sandbox/samples/picture.png`);
  });

  it('lists chats with the client name and last message, and the open thread', async () => {
    expect(await state()).toMatchObject({ scopes: [], defaultScopeId: null, chats: [], thread: null });
    const chatId = await clientChat();
    const listed = await state(chatId);
    expect(listed.defaultScopeId).toBe(SCOPE_ID);
    expect(listed.chats).toEqual([
      expect.objectContaining({
        id: chatId,
        clientName: 'Client One',
        conversationId: 'conv-1',
        unbound: false,
        lastMessage: { text: 'Where is my order?', direction: 'incoming' },
        clientTyping: false,
      }),
    ]);
    expect(listed.thread?.messages).toEqual([
      expect.objectContaining({ direction: 'incoming', msgid: 'm-1', text: 'Where is my order?', status: null }),
    ]);
  });

  it('sends a manager answer through the emulator as the page user, which hooks it to the backend', async () => {
    const chatId = await clientChat();
    const answer = await h.postJson('/_sandbox/inbox/messages', {
      chatId,
      message: {
        type: 'picture',
        text: 'Here it is',
        media: 'http://127.0.0.1:9/p.png',
        markup: { mode: 'inline', buttons: [[{ text: 'Thanks' }]] },
      },
    });
    expect(answer.status).toBe(200);
    const stored = h.amojo.emulator.listMessages(chatId).at(-1)!;
    expect(stored).toMatchObject({ direction: 'outgoing', senderId: USER_AMOJO_ID, content: { type: 'picture' } });
    const { parsed, raw } = lastHook();
    expect(parsed.kind).toBe('message');
    expect(raw.message).toMatchObject({
      sender: { id: USER_AMOJO_ID },
      conversation: { id: chatId, client_id: 'conv-1' },
      message: { id: stored.id, type: 'picture', text: 'Here it is', media: 'http://127.0.0.1:9/p.png' },
    });
    const thread = (await state(chatId)).thread!;
    expect(thread.messages.at(-1)).toMatchObject({
      id: stored.id,
      direction: 'outgoing',
      senderName: 'Anna Admin',
      status: 'sent',
      buttons: [[{ text: 'Thanks' }]],
      hook: { state: 'delivered' },
    });
  });

  it('shows when the hook of a manager message did not reach the backend', async () => {
    const chatId = await clientChat();
    h.amojo.receiver.state.status = 500;
    await h.postJson('/_sandbox/inbox/messages', { chatId, message: { type: 'text', text: 'Anyone there?' } });
    expect((await state(chatId)).thread!.messages.at(-1)).toMatchObject({
      status: 'sent',
      hook: { state: 'failed', detail: expect.stringContaining('500') },
    });
  });

  it('shows the delivery statuses the backend reports, with the error text', async () => {
    const chatId = await clientChat();
    const sent = await h.postJson('/_sandbox/inbox/messages', { chatId, message: { type: 'text', text: 'Hi' } });
    const id: string = sent.json.message.id;
    const report = (body: Record<string, unknown>) =>
      h.amojo.call({ path: h.amojo.paths.deliveryStatus(id), body: { msgid: id, ...body } });
    expect((await report({ delivery_status: 1 })).status).toBe(200);
    expect((await state(chatId)).thread!.messages.at(-1)).toMatchObject({ status: 'delivered' });
    await report({ delivery_status: 2 });
    expect((await state(chatId)).thread!.messages.at(-1)).toMatchObject({ status: 'read' });
    await report({ delivery_status: -1, error_code: 905, error: 'The reply window is closed' });
    expect((await state(chatId)).thread!.messages.at(-1)).toMatchObject({
      status: 'error',
      errorCode: 905,
      errorText: 'The reply window is closed',
    });
  });

  it("shows the client's typing until it expires, and sends the manager's typing", async () => {
    const chatId = await clientChat();
    const typing = await h.amojo.call({
      path: h.amojo.paths.typing(),
      body: { conversation_id: 'conv-1', sender: { id: 'client-1' } },
    });
    expect(typing.status).toBe(204);
    expect((await state(chatId)).chats[0]?.clientTyping).toBe(true);
    expect((await state(chatId)).thread?.chat.clientTyping).toBe(true);
    h.amojo.clock.now = new Date(h.amojo.clock.now.getTime() + 6000);
    expect((await state(chatId)).chats[0]?.clientTyping).toBe(false);

    const before = h.amojo.receiver.received.length;
    expect((await h.postJson('/_sandbox/inbox/typing', { chatId })).status).toBe(200);
    expect(h.amojo.receiver.received).toHaveLength(before + 1);
    expect(lastHook().raw.action.typing).toMatchObject({ user: { id: USER_AMOJO_ID }, conversation: { id: chatId } });
  });

  it("reacts to a client message as the manager and shows both sides' reactions", async () => {
    const chatId = await clientChat();
    const messageId = h.amojo.emulator.listMessages(chatId)[0]!.id;
    const reacted = await h.postJson('/_sandbox/inbox/reactions', { messageId, type: 'react', emoji: '👍' });
    expect(reacted.status).toBe(200);
    expect(lastHook().parsed.kind).toBe('reaction');
    expect(lastHook().raw.action.reaction).toMatchObject({ type: 'react', emoji: '👍', user: { id: USER_AMOJO_ID } });
    expect((await state(chatId)).thread!.messages[0]?.reactions).toEqual([
      { emoji: '👍', by: 'manager', userId: USER_AMOJO_ID, userName: 'Anna Admin' },
    ]);
    await h.postJson('/_sandbox/inbox/reactions', { messageId, type: 'unreact' });
    expect((await state(chatId)).thread!.messages[0]?.reactions).toEqual([]);
  });

  it('starts a write-first conversation by phone in the page account scope', async () => {
    await h.amojo.connect();
    const started = await h.postJson('/_sandbox/inbox/write-first', {
      phone: '79161234567',
      name: 'Ivan',
      message: { type: 'text', text: 'Hello from the CRM' },
    });
    expect(started.status).toBe(200);
    const chatId: string = started.json.chat.id;
    expect(h.amojo.emulator.getChat(chatId)).toMatchObject({ scopeId: SCOPE_ID, origin: 'write_first' });
    const { raw } = lastHook();
    expect(raw.message.conversation).toEqual({ id: chatId });
    expect(raw.message.receiver).toMatchObject({ phone: '79161234567' });
    expect(raw.message.sender).toEqual({ id: USER_AMOJO_ID });
    expect((await state()).chats[0]).toMatchObject({
      id: chatId,
      clientName: 'Ivan',
      unbound: true,
      conversationId: null,
    });
  });

  it('sends one reply for two requests with the same requestId (a double-clicked Send)', async () => {
    const chatId = await clientChat();
    h.amojo.receiver.state.delayMs = 50;
    const body = { chatId, requestId: 'compose-1', message: { type: 'text', text: 'Only once' } };
    const [first, second] = await Promise.all([
      h.postJson('/_sandbox/inbox/messages', body),
      h.postJson('/_sandbox/inbox/messages', body),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json.message.id).toBe(second.json.message.id);
    const outgoing = h.amojo.emulator.listMessages(chatId).filter((m) => m.direction === 'outgoing');
    expect(outgoing.map((m) => m.content.text)).toEqual(['Only once']);
    expect(h.amojo.receiver.received.filter((r) => JSON.parse(r.raw.toString()).message)).toHaveLength(1);
  });

  it('starts one write-first conversation for two requests with the same requestId', async () => {
    await h.amojo.connect();
    const body = { phone: '+15550109999', requestId: 'wf-1', message: { type: 'text', text: 'Your order is ready' } };
    const [first, second] = await Promise.all([
      h.postJson('/_sandbox/inbox/write-first', body),
      h.postJson('/_sandbox/inbox/write-first', body),
    ]);
    expect(second.json).toMatchObject({ chat: { id: first.json.chat.id }, message: { id: first.json.message.id } });
    expect(h.amojo.emulator.listChats()).toHaveLength(1);
    expect(h.amojo.emulator.listMessages(first.json.chat.id)).toHaveLength(1);
  });

  it('refuses a write-first phone that is not one, naming the field, and starts nothing', async () => {
    await h.amojo.connect();
    const refused = await h.postJson('/_sandbox/inbox/write-first', {
      phone: 'abc',
      message: { type: 'text', text: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([{ path: 'phone', message: expect.stringContaining('E.164') }]);
    expect(h.amojo.emulator.listChats()).toEqual([]);
  });

  it("carries the name the manager typed through the hook into the messenger's conversation.started", async () => {
    await h.amojo.connect();
    await h.postJson('/_sandbox/inbox/write-first', {
      phone: '+15550109999',
      name: 'Ivan Petrov',
      message: { type: 'text', text: 'Hello, Ivan' },
    });
    const { raw, parsed } = lastHook();
    expect(raw.message.receiver).toMatchObject({ phone: '+15550109999', name: 'Ivan Petrov' });
    if (parsed.kind !== 'message') throw new Error(`expected a message hook, got ${parsed.kind}`);
    const event = hookToBridgeEvent(parsed, { linkId: 'link-1', eventId: 'evt-1' });
    expect(event).toMatchObject({
      type: 'conversation.started',
      recipient: { phone: '+15550109999', name: 'Ivan Petrov' },
      message: { type: 'text', text: 'Hello, Ivan' },
    });
  });

  it('answers bad requests with the emulator errors, naming the field', async () => {
    expect(
      (await h.postJson('/_sandbox/inbox/write-first', { phone: '7916', message: { type: 'text', text: 'x' } })).status,
    ).toBe(409);
    const chatId = await clientChat();
    const empty = await h.postJson('/_sandbox/inbox/messages', { chatId, message: { type: 'text', text: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.json.errors).toEqual([expect.objectContaining({ path: 'message.text' })]);
    expect(
      (await h.postJson('/_sandbox/inbox/messages', { chatId: 'nope', message: { type: 'text', text: 'x' } })).status,
    ).toBe(404);
    expect((await h.postJson('/_sandbox/inbox/typing', ['not', 'an', 'object'])).status).toBe(400);
  });
});
