import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emulatorErrorBody, newMessageResponse } from '../../../src/contracts/amojo';
import { phoneNumberMessage } from '../../../src/contracts/phone-number';
import { fixture, type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

type NewMessageAnswer = { new_message: Record<string, string | null> };

describe('amojo emulator: new_message', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ bot: { id: 'f1910c7f-b1e0-4184-bd09-c7def2a9109a', name: 'Bot' } });
    await h.connect();
  });
  afterEach(() => h.close());

  it('accepts the docs inbound example, creates the chat and answers with amojo msgid and our ref_id', async () => {
    const result = await h.call({ path: h.paths.message(), body: fixture('request-new-message-text') });
    expect(result.status).toBe(200);
    const answer = result.json<NewMessageAnswer>();
    expect(newMessageResponse.safeParse(answer).success).toBe(true);
    expect(answer.new_message).toEqual({
      conversation_id: 'my_int-d5a421f7f217',
      sender_id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8',
      receiver_id: null,
      msgid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ref_id: 'my_int-5f2836a8ca475',
    });
    const [chat] = h.emulator.listChats(SCOPE_ID);
    expect(chat?.conversationId).toBe('my_int-d5a421f7f217');
    const [message] = h.emulator.listMessages(chat!.id);
    expect(message).toMatchObject({
      id: answer.new_message.msgid,
      msgid: 'my_int-5f2836a8ca475',
      direction: 'incoming',
      content: { type: 'text', text: 'Сообщение от клиента' },
      deliveryStatus: null,
    });
    const client = h.emulator
      .listParticipants(SCOPE_ID)
      .find((p) => p.clientId === 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8');
    expect(client).toMatchObject({ kind: 'client', phone: '+79151112233', email: 'example.client@example.com' });
  });

  it('refuses a duplicate msgid in the same scope with 400 naming payload.msgid, and stores nothing', async () => {
    await h.call({ path: h.paths.message(), body: inboundText('dup-1', 'conv-1') });
    const again = await h.call({ path: h.paths.message(), body: inboundText('dup-1', 'conv-2', 'client-2', 'other') });
    expect(again.status).toBe(400);
    const body = again.json();
    expect(emulatorErrorBody.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      error_code: 400,
      error_type: 'duplicate_msgid',
      error_description: 'payload.msgid: a message with msgid "dup-1" already exists in this scope',
      errors: [{ path: 'payload.msgid', message: 'a message with msgid "dup-1" already exists in this scope' }],
    });
    expect(h.emulator.listChats()).toHaveLength(1);
    expect(h.emulator.listParticipants(SCOPE_ID).filter((p) => p.kind === 'client')).toHaveLength(1);
  });

  it('lets the same msgid exist in two scopes', async () => {
    const otherScope = await h.connect('52e591f7-c98f-4255-8495-827210138c81');
    expect((await h.call({ path: h.paths.message(), body: inboundText('same', 'c') })).status).toBe(200);
    expect((await h.call({ path: h.paths.message(otherScope), body: inboundText('same', 'c') })).status).toBe(200);
  });

  it('appends messages with an existing conversation_id to the same chat and reuses the client', async () => {
    await h.call({ path: h.paths.message(), body: inboundText('a', 'conv') });
    await h.call({ path: h.paths.message(), body: inboundText('b', 'conv') });
    const [chat] = h.emulator.listChats();
    expect(h.emulator.listChats()).toHaveLength(1);
    expect(h.emulator.listMessages(chat!.id).map((m) => m.msgid)).toEqual(['a', 'b']);
  });

  it('imports a manager message (sender.ref_id = amoCRM user) with a receiver', async () => {
    const manager = h.emulator.managers[0]!;
    const body = fixture<{ payload: { sender: { ref_id: string } } }>('request-new-message-from-manager');
    body.payload.sender.ref_id = manager.id;
    const result = await h.call({ path: h.paths.message(), body });
    expect(result.status).toBe(200);
    expect(result.json<NewMessageAnswer>().new_message.receiver_id).toBe('my_int-1376265f-86df-4c49-a0c3-a4816df41af8');
    const message = h.emulator.getMessage(result.json<NewMessageAnswer>().new_message.msgid!);
    expect(message).toMatchObject({ direction: 'outgoing', senderId: manager.id, silent: true });
  });

  it('imports a bot message by the registered bot id and sends no hook for it', async () => {
    const result = await h.call({ path: h.paths.message(), body: fixture('request-new-message-from-bot') });
    expect(result.status).toBe(200);
    await h.emulator.hooksSettled();
    expect(h.emulator.listHookDeliveries()).toEqual([]);
  });

  it('refuses an outgoing import whose sender has no ref_id, or names an unknown user', async () => {
    const body = fixture<{ payload: { sender: Record<string, unknown> } }>('request-new-message-from-manager');
    delete body.payload.sender.ref_id;
    const missing = await h.call({ path: h.paths.message(), body });
    expect(missing.status).toBe(400);
    expect(missing.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('payload.sender.ref_id');
    body.payload.sender.ref_id = '00000000-0000-4000-8000-00000000dead';
    expect((await h.call({ path: h.paths.message(), body })).status).toBe(400);
  });

  it.each([
    ['text without text', { type: 'text' }, 'payload.message.text'],
    [
      'picture without file_name',
      { type: 'picture', media: 'https://example.com/a.png', file_size: 1 },
      'payload.message.file_name',
    ],
    ['an unknown type', { type: 'gif', text: 'x' }, 'payload.message.type'],
  ])('refuses %s with 400 naming %s', async (_, message, path) => {
    const body = inboundText('m-x', 'conv-x');
    const result = await h.call({ path: h.paths.message(), body: { ...body, payload: { ...body.payload, message } } });
    expect(result.status).toBe(400);
    expect(result.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    expect(h.emulator.listChats()).toEqual([]);
  });

  it('answers a schema violation with the documented 400 body', async () => {
    const body = inboundText('m-y', 'conv-y');
    const result = await h.call({
      path: h.paths.message(),
      body: { ...body, payload: { ...body.payload, timestamp: 'now', extra: true } },
    });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toBe('application/json');
    const answer = result.json();
    expect(emulatorErrorBody.safeParse(answer).success).toBe(true);
    expect(answer).toEqual({
      error_code: 400,
      error_type: 'invalid_request',
      error_description:
        'invalid request: payload.timestamp: expected number, got string; payload.extra: unknown field',
      errors: [
        { path: 'payload.timestamp', message: 'expected number, got string' },
        { path: 'payload.extra', message: 'unknown field' },
      ],
    });
  });

  it('refuses a sender.profile.phone that is not a phone with the 400 body naming it, and stores nothing', async () => {
    const body = inboundText('m-p', 'conv-p');
    const result = await h.call({
      path: h.paths.message(),
      body: {
        ...body,
        payload: { ...body.payload, sender: { id: 'client-p', name: 'P', profile: { phone: 'abc' } } },
      },
    });
    expect(result.status).toBe(400);
    const answer = result.json();
    expect(emulatorErrorBody.safeParse(answer).success).toBe(true);
    expect(answer).toEqual({
      error_code: 400,
      error_type: 'invalid_request',
      error_description: `payload.sender.profile.phone: ${phoneNumberMessage}`,
      errors: [{ path: 'payload.sender.profile.phone', message: phoneNumberMessage }],
    });
    expect(h.emulator.listChats()).toEqual([]);
    for (const [i, phone] of ['79151112233', '+79151112233', '+7 (915) 111-22-33'].entries()) {
      const ok = inboundText(`m-ok-${i}`, `conv-ok-${i}`, `client-ok-${i}`);
      const sent = await h.call({
        path: h.paths.message(),
        body: { ...ok, payload: { ...ok.payload, sender: { id: `client-ok-${i}`, name: 'Ok', profile: { phone } } } },
      });
      expect(sent.status, phone).toBe(200);
    }
  });

  it('refuses malformed JSON with 400 and a JSON body saying so', async () => {
    const result = await h.call({ path: h.paths.message(), body: '{"event_type": "new_message",' });
    expect(result.status).toBe(400);
    expect(result.json<{ error_description: string }>().error_description).toMatch(/^malformed JSON body/);
  });

  it('refuses an unknown event_type naming event_type', async () => {
    const result = await h.call({ path: h.paths.message(), body: { event_type: 'delete_message', payload: {} } });
    expect(result.status).toBe(400);
    expect(result.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('event_type');
  });

  it('resolves reply_to by our msgid in the same chat and refuses one from another chat', async () => {
    await h.call({ path: h.paths.message(), body: inboundText('q-1', 'conv-a') });
    await h.call({ path: h.paths.message(), body: inboundText('q-2', 'conv-b', 'client-b') });
    const reply = inboundText('r-1', 'conv-a');
    const ok = await h.call({
      path: h.paths.message(),
      body: { ...reply, payload: { ...reply.payload, reply_to: { message: { msgid: 'q-1' } } } },
    });
    expect(ok.status).toBe(200);
    const quoted = h.emulator.findMessageByMsgid(SCOPE_ID, 'q-1')!;
    expect(h.emulator.getMessage(ok.json<NewMessageAnswer>().new_message.msgid!)?.replyTo).toEqual({
      id: quoted.id,
      chatId: quoted.chatId,
    });
    const cross = inboundText('r-2', 'conv-a');
    const refused = await h.call({
      path: h.paths.message(),
      body: { ...cross, payload: { ...cross.payload, reply_to: { message: { msgid: 'q-2' } } } },
    });
    expect(refused.status).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('payload.reply_to.message.msgid');
  });

  it('resolves forwards from another chat of the scope and refuses an unknown message', async () => {
    await h.call({ path: h.paths.message(), body: inboundText('f-src', 'conv-src') });
    const source = h.emulator.findMessageByMsgid(SCOPE_ID, 'f-src')!;
    const forward = inboundText('f-1', 'conv-dst', 'client-d');
    const ok = await h.call({
      path: h.paths.message(),
      body: {
        ...forward,
        payload: { ...forward.payload, forwards: { messages: [{ id: source.id }], conversation_id: 'conv-src' } },
      },
    });
    expect(ok.status).toBe(200);
    expect(h.emulator.findMessageByMsgid(SCOPE_ID, 'f-1')?.forwards).toEqual([
      { id: source.id, chatId: source.chatId },
    ]);
    const missing = inboundText('f-2', 'conv-dst', 'client-d');
    const refused = await h.call({
      path: h.paths.message(),
      body: { ...missing, payload: { ...missing.payload, forwards: { messages: [{ msgid: 'nope' }] } } },
    });
    expect(refused.status).toBe(400);
  });
});
