import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAmojoWebhook } from '../../../src/contracts/amojo';
import { type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

describe('amojo emulator: write first', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
  });
  afterEach(() => h.close());

  const lastHook = () => {
    const raw = h.receiver.received.at(-1)!.raw.toString();
    const parsed = parseAmojoWebhook(JSON.parse(raw));
    if (parsed.kind !== 'message') throw new Error(`expected a message hook, got ${parsed.kind}`);
    return { raw: JSON.parse(raw), hook: parsed.hook };
  };

  async function startByPhone() {
    const started = await h.emulator.startWriteFirst({
      scopeId: SCOPE_ID,
      phone: '79161234567',
      sourceExternalId: '78001234567',
      message: { type: 'text', text: 'Hello from the CRM' },
    });
    const receiverId = started.chat.clientParticipantId;
    return { chatId: started.chat.id, receiverId };
  }

  it('announces the chat without conversation.client_id and receiver.client_id, with receiver.phone', async () => {
    const { chatId, receiverId } = await startByPhone();
    const { raw, hook } = lastHook();
    expect(raw.message.conversation).toEqual({ id: chatId });
    expect(raw.message.receiver).toEqual({ id: receiverId, phone: '79161234567', email: '' });
    expect(hook.message.source?.external_id).toBe('78001234567');
    expect(h.emulator.getChat(chatId)).toMatchObject({ origin: 'write_first' });
    expect(h.emulator.getChat(chatId)).not.toHaveProperty('conversationId');
  });

  it('binds chat and client on the first answer (conversation_ref_id + sender.ref_id); later hooks carry our ids', async () => {
    const { chatId, receiverId } = await startByPhone();
    const answer = inboundText('reply-1', 'our-conv', 'our-client');
    const result = await h.call({
      path: h.paths.message(),
      body: {
        ...answer,
        payload: {
          ...answer.payload,
          conversation_ref_id: chatId,
          sender: { ...answer.payload.sender, ref_id: receiverId },
        },
      },
    });
    expect(result.status).toBe(200);
    expect(h.emulator.listChats()).toHaveLength(1);
    expect(h.emulator.getChat(chatId)?.conversationId).toBe('our-conv');
    expect(h.emulator.listParticipants(SCOPE_ID).find((p) => p.id === receiverId)?.clientId).toBe('our-client');
    expect(h.emulator.listMessages(chatId).map((m) => m.direction)).toEqual(['outgoing', 'incoming']);

    await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'bound' } });
    const { raw } = lastHook();
    expect(raw.message.conversation).toEqual({ id: chatId, client_id: 'our-conv' });
    expect(raw.message.receiver).toMatchObject({ id: receiverId, client_id: 'our-client', phone: '79161234567' });
    // After binding, plain conversation_id finds the chat.
    expect(
      (await h.call({ path: h.paths.message(), body: inboundText('reply-2', 'our-conv', 'our-client') })).status,
    ).toBe(200);
    expect(h.emulator.listMessages(chatId).map((m) => m.msgid ?? 'crm')).toEqual(['crm', 'reply-1', 'crm', 'reply-2']);
  });

  it('reuses the unbound chat when the manager starts again on the same phone and source', async () => {
    const first = await startByPhone();
    const second = await startByPhone();
    expect(second.chatId).toBe(first.chatId);
    expect(h.emulator.listChats()).toHaveLength(1);
  });

  it("carries the contact's name the manager gave, and none when it gave only the phone", async () => {
    const named = await h.emulator.startWriteFirst({
      scopeId: SCOPE_ID,
      phone: '+15550109999',
      name: '  Ivan Petrov ',
      message: { type: 'text', text: 'Hello, Ivan' },
    });
    const { raw, hook } = lastHook();
    expect(raw.message.receiver).toEqual({
      id: named.chat.clientParticipantId,
      phone: '+15550109999',
      email: '',
      name: 'Ivan Petrov',
    });
    expect(hook.message.receiver.name).toBe('Ivan Petrov');
    await h.emulator.sendMessage({ chatId: named.chat.id, message: { type: 'text', text: 'Still there?' } });
    expect(lastHook().raw.message.receiver.name).toBe('Ivan Petrov');

    await startByPhone();
    expect(lastHook().raw.message.receiver).not.toHaveProperty('name');
  });

  it('refuses a phone that is not one, as a 400 naming the field, and stores nothing', async () => {
    for (const phone of ['abc', '+7', '8 916 abc']) {
      const refused = h.emulator.startWriteFirst({ scopeId: SCOPE_ID, phone, message: { type: 'text', text: 'x' } });
      await expect(refused).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'phone', message: expect.stringContaining('E.164') }],
      });
    }
    expect(h.emulator.listChats()).toEqual([]);
    expect(h.receiver.received).toEqual([]);
  });

  it('reuses the unbound chat however the number is written, and takes the name given on the second try', async () => {
    const first = await startByPhone();
    const second = await h.emulator.startWriteFirst({
      scopeId: SCOPE_ID,
      phone: '+7 (916) 123-45-67',
      name: 'Anna',
      sourceExternalId: '78001234567',
      message: { type: 'text', text: 'Anna, are you there?' },
    });
    expect(second.chat.id).toBe(first.chatId);
    expect(lastHook().raw.message.receiver).toMatchObject({ phone: '79161234567', name: 'Anna' });
  });

  it('refuses conflicting bindings', async () => {
    const { chatId, receiverId } = await startByPhone();
    await h.call({ path: h.paths.message(), body: inboundText('x-1', 'taken-conv', 'taken-client') });
    const bind = (conversationId: string, clientId: string, msgid: string) => {
      const body = inboundText(msgid, conversationId, clientId);
      return h.call({
        path: h.paths.message(),
        body: {
          ...body,
          payload: {
            ...body.payload,
            conversation_ref_id: chatId,
            sender: { ...body.payload.sender, ref_id: receiverId },
          },
        },
      });
    };
    const convTaken = await bind('taken-conv', 'new-client', 'b-1');
    expect(convTaken.status).toBe(400);
    expect(convTaken.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('payload.conversation_id');
    const clientTaken = await bind('fresh-conv', 'taken-client', 'b-2');
    expect(clientTaken.status).toBe(400);
    expect(clientTaken.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('payload.sender.id');
    expect(h.emulator.getChat(chatId)).not.toHaveProperty('conversationId');
    expect((await bind('fresh-conv', 'fresh-client', 'b-3')).status).toBe(200);
    expect((await bind('other-conv', 'fresh-client', 'b-4')).status).toBe(400);
  });

  it('answers 404 for a conversation_ref_id this scope does not have', async () => {
    const body = inboundText('z-1', 'c');
    const result = await h.call({
      path: h.paths.message(),
      body: { ...body, payload: { ...body.payload, conversation_ref_id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc' } },
    });
    expect(result.status).toBe(404);
  });
});
