import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAmojoWebhook } from '../../../src/contracts/amojo';
import { type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

const SALES = '0f8a3c52-5a3e-4f7e-9d55-2c8b1e6a0001';
const SUPPORT = '0f8a3c52-5a3e-4f7e-9d55-2c8b1e6a0002';

/** new_message with `source.external_id` (or none), as a link of the backend posts it. */
function inboundThrough(source: string | undefined, msgid: string, conversationId: string, clientId = 'client-1') {
  const base = inboundText(msgid, conversationId, clientId);
  return {
    ...base,
    payload: { ...base.payload, ...(source === undefined ? {} : { source: { external_id: source } }) },
  };
}

describe('amojo emulator: sources', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
  });
  afterEach(() => h.close());

  const chatOf = (conversationId: string) =>
    h.emulator.listChats(SCOPE_ID).find((c) => c.conversationId === conversationId)!;
  const lastMessageHook = () => {
    const parsed = parseAmojoWebhook(JSON.parse(h.receiver.received.at(-1)!.raw.toString()));
    if (parsed.kind !== 'message') throw new Error(`expected a message hook, got ${parsed.kind}`);
    return parsed.hook;
  };

  it('records the source of each chat from its first new_message, one scope holding chats of two sources', async () => {
    expect((await h.call({ path: h.paths.message(), body: inboundThrough(SALES, 'm-1', 'conv-a') })).status).toBe(200);
    expect((await h.call({ path: h.paths.message(), body: inboundThrough(SUPPORT, 'm-2', 'conv-b') })).status).toBe(
      200,
    );
    expect(chatOf('conv-a').sourceExternalId).toBe(SALES);
    expect(chatOf('conv-b').sourceExternalId).toBe(SUPPORT);
  });

  it('keeps the first source: a later message naming another source does not move the chat', async () => {
    await h.call({ path: h.paths.message(), body: inboundThrough(SALES, 'm-1', 'conv-a') });
    await h.call({ path: h.paths.message(), body: inboundThrough(SUPPORT, 'm-2', 'conv-a') });
    await h.call({ path: h.paths.message(), body: inboundThrough(undefined, 'm-3', 'conv-a') });
    expect(chatOf('conv-a').sourceExternalId).toBe(SALES);
  });

  it('gives an untagged chat the first source named later, and keeps it from then on', async () => {
    await h.call({ path: h.paths.message(), body: inboundThrough(undefined, 'm-1', 'conv-a') });
    expect(chatOf('conv-a')).not.toHaveProperty('sourceExternalId');
    await h.call({ path: h.paths.message(), body: inboundThrough(SUPPORT, 'm-2', 'conv-a') });
    await h.call({ path: h.paths.message(), body: inboundThrough(SALES, 'm-3', 'conv-a') });
    expect(chatOf('conv-a').sourceExternalId).toBe(SUPPORT);
  });

  it('binds a create-chat chat to its source too, and a new_message cannot change it', async () => {
    const created = await h.call({
      path: h.paths.chats(),
      body: { conversation_id: 'conv-c', source: { external_id: SUPPORT }, user: { id: 'client-9', name: 'Nine' } },
    });
    expect(created.status).toBe(200);
    await h.call({ path: h.paths.message(), body: inboundThrough(SALES, 'm-1', 'conv-c', 'client-9') });
    expect(chatOf('conv-c').sourceExternalId).toBe(SUPPORT);
  });

  it("carries the chat's source in the manager's message hooks, and none for an untagged chat", async () => {
    await h.call({ path: h.paths.message(), body: inboundThrough(SUPPORT, 'm-1', 'conv-a') });
    await h.call({ path: h.paths.message(), body: inboundThrough(undefined, 'm-2', 'conv-b', 'client-2') });
    await h.emulator.sendMessage({ chatId: chatOf('conv-a').id, message: { type: 'text', text: 'to support' } });
    expect(lastMessageHook().message.source?.external_id).toBe(SUPPORT);
    await h.emulator.sendMessage({ chatId: chatOf('conv-b').id, message: { type: 'text', text: 'untagged' } });
    expect(lastMessageHook().message.source).toBeUndefined();
  });

  it('writes first through a chosen source: one chat per source for the same phone, each hook naming its source', async () => {
    const sales = await h.emulator.startWriteFirst({
      scopeId: SCOPE_ID,
      phone: '79161234567',
      sourceExternalId: SALES,
      message: { type: 'text', text: 'from sales' },
    });
    expect(lastMessageHook().message.source?.external_id).toBe(SALES);
    const support = await h.emulator.startWriteFirst({
      scopeId: SCOPE_ID,
      phone: '+7 916 123-45-67',
      sourceExternalId: SUPPORT,
      message: { type: 'text', text: 'from support' },
    });
    expect(lastMessageHook().message.source?.external_id).toBe(SUPPORT);
    expect(support.chat.id).not.toBe(sales.chat.id);
    expect(h.emulator.getChat(sales.chat.id)?.sourceExternalId).toBe(SALES);
    expect(h.emulator.getChat(support.chat.id)?.sourceExternalId).toBe(SUPPORT);
  });

  it('exposes the source through the control API (GET /_control/chats) and takes it on POST /_control/write-first', async () => {
    const started = await fetch(`${h.emulator.url}/_control/write-first`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        scopeId: SCOPE_ID,
        phone: '79160000001',
        sourceExternalId: SUPPORT,
        message: { type: 'text', text: 'hi' },
      }),
    });
    expect(started.status).toBe(200);
    expect(lastMessageHook().message.source?.external_id).toBe(SUPPORT);
    const chats = (await (await fetch(`${h.emulator.url}/_control/chats`)).json()) as { sourceExternalId?: string }[];
    expect(chats.map((c) => c.sourceExternalId)).toEqual([SUPPORT]);
  });
});
