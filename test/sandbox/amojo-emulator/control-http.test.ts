import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAmojoWebhook } from '../../../src/contracts/amojo';
import { ACCOUNT_ID, type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

describe('amojo emulator: control API over HTTP', () => {
  let h: Harness;
  let chatId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    chatId = h.emulator.listChats()[0]!.id;
  });
  afterEach(() => h.close());

  const control = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${h.emulator.url}/_control${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('lists state, connections, chats, messages and participants', async () => {
    const state = await control('GET', '/state');
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      connections: [{ scopeId: SCOPE_ID, accountId: ACCOUNT_ID }],
      chats: [{ id: chatId }],
    });
    expect((await control('GET', `/chats/${chatId}/messages`)).body).toMatchObject([{ msgid: 'm-1' }]);
    expect((await control<unknown[]>('GET', '/chats')).body).toHaveLength(1);
    expect((await control<unknown[]>('GET', '/connections')).body).toHaveLength(1);
    expect((await control<{ kind: string }[]>('GET', '/participants')).body.map((p) => p.kind).sort()).toEqual([
      'bot',
      'client',
      'manager',
    ]);
    expect((await control('GET', '/chats/nope/messages')).status).toBe(404);
  });

  it('sends a file message and reports the hook delivery', async () => {
    const result = await control('POST', '/messages', {
      chatId,
      message: { type: 'file', media: 'https://example.com/report.pdf', file_name: 'report.pdf', file_size: 2048 },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      hook: { state: 'delivered', status: 200 },
      message: { direction: 'outgoing' },
    });
    const parsed = parseAmojoWebhook(JSON.parse(h.receiver.received[0]!.raw.toString()));
    expect(parsed.kind === 'message' && parsed.hook.message.message).toMatchObject({
      type: 'file',
      file_name: 'report.pdf',
      file_size: 2048,
    });
    expect((await control<unknown[]>('GET', '/hooks')).body).toHaveLength(1);
  });

  it('starts a write-first chat, types and reacts', async () => {
    const started = await control('POST', '/write-first', {
      scopeId: SCOPE_ID,
      phone: '79160000000',
      message: { type: 'text', text: 'hi' },
    });
    expect(started.status).toBe(200);
    const typing = await control('POST', '/typing', { chatId });
    expect(typing.body).toMatchObject({ hook: { kind: 'typing', state: 'delivered' } });
    const messageId = h.emulator.findMessageByMsgid(SCOPE_ID, 'm-1')!.id;
    const reaction = await control('POST', '/reactions', { messageId, type: 'react', emoji: '👍' });
    expect(reaction.body).toMatchObject({ hook: { kind: 'reaction' }, message: { reactions: [{ emoji: '👍' }] } });
    expect((await control<unknown[]>('GET', '/typing')).body).toHaveLength(1);
  });

  it('queues misbehaviour over HTTP and clears it with DELETE', async () => {
    const queued = await control('POST', '/misbehave', { status: 503, retryAfter: 2, count: 3 });
    expect(queued.body).toEqual({ pending: [{ kind: 'status', status: 503, retryAfter: 2, remaining: 3 }] });
    expect((await control<unknown[]>('GET', '/misbehave')).body).toHaveLength(1);
    expect((await control('DELETE', '/misbehave')).body).toEqual({ pending: [] });
  });

  it('answers 400 naming the field for invalid control input, 404 for unknown ids and routes', async () => {
    const invalid = await control('POST', '/messages', { chatId, message: { type: 'picture' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ errors: [{ path: 'message.media' }] });
    const unknownChat = await control('POST', '/messages', { chatId: 'nope', message: { type: 'text', text: 'x' } });
    expect(unknownChat.status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
    expect((await control('PUT', '/state')).status).toBe(405);
    const badJson = await fetch(`${h.emulator.url}/_control/messages`, { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });
});
