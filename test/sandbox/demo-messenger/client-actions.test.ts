import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  bridgeMessageRequest,
  bridgePaths,
  bridgeReactionRequest,
  bridgeReceiptRequest,
  bridgeTypingRequest,
} from '../../../src/contracts/bridge';
import { API_KEY, docEvent, type Messenger, START, startMessenger } from './harness';

const AMOJO_MSG = '0371a0ff-b78a-4c7b-8538-a7d547e10692';

describe('demo messenger: client actions call the bridge', () => {
  let m: Messenger;
  let conversationId: string;
  beforeEach(async () => {
    m = await startMessenger();
    await m.configure();
    conversationId = (await m.openConversation('+1 555 010 2030', 'Alex Client')).id;
  });
  afterEach(() => m.close());

  const send = (body: unknown) => m.api('POST', `/api/conversations/${conversationId}/messages`, body);
  /** A manager message in the client's conversation, as the webhook stores it; returns the messenger's id. */
  const managerMessage = async () => {
    const event = docEvent('hook-message-v2-picture.json', { eventId: 'evt-mgr' }, (h) => {
      h.message.conversation.client_id = conversationId;
      h.message.receiver.client_id = 'client-15550102030';
    });
    return (await m.deliver(event)).json.message_id as string;
  };

  it('opens one conversation per phone number, however it is written', async () => {
    expect(conversationId).toBe('conv-15550102030');
    const again = await m.api('POST', '/api/conversations', { name: 'Alex', phone: '+1 (555) 010-2030' });
    expect(again.status).toBe(200);
    expect(again.json.conversation.id).toBe(conversationId);
    expect(m.messenger.state().conversations).toHaveLength(1);
    const bad = await m.api('POST', '/api/conversations', { name: ' ', phone: '12' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['name', 'phone']);
  });

  it('posts a text message with the API key, in the contract shape, and marks it sent', async () => {
    const answer = await send({ type: 'text', text: 'Hello, is the sofa still available?' });
    expect(answer.status).toBe(200);
    expect(answer.json.message).toMatchObject({ direction: 'client', status: 'sent' });

    const [call, ...rest] = m.bridge.calls;
    expect(rest).toEqual([]);
    expect(call).toMatchObject({
      method: 'POST',
      path: bridgePaths.messages,
      authorization: `Bearer ${API_KEY}`,
      contentType: 'application/json',
    });
    expect(z.safeParse(bridgeMessageRequest, call?.body).success).toBe(true);
    expect(call?.body).toEqual({
      id: answer.json.message.id,
      conversation: { id: 'conv-15550102030', phone: '+1 555 010 2030' },
      sender: { id: 'client-15550102030', name: 'Alex Client', phone: '+1 555 010 2030' },
      message: { type: 'text', text: 'Hello, is the sofa still available?' },
      sent_at: new Date(START).toISOString(),
    });
    expect(m.messenger.state().conversations[0]?.messages.map((x) => x.status)).toEqual(['sent']);
  });

  it('sends a sample picture by a link that downloads, with its real byte size', async () => {
    const answer = await send({ type: 'picture', sample: 'sample-2.png', caption: 'This one' });
    expect(answer.status).toBe(200);
    const content = m.bridge.callsTo(bridgePaths.messages)[0]?.body as Record<string, unknown> & { message: never };
    const message = content.message as { url: string; file_size: number; file_name: string; caption: string };
    expect(message).toMatchObject({ type: 'picture', file_name: 'sample-2.png', caption: 'This one' });
    expect(message.url).toBe(`${m.messenger.url}/media/sample-2.png`);
    const download = await fetch(message.url);
    expect(download.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.length).toBe(message.file_size);
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await send({ type: 'picture', sample: 'nope.png' })).status).toBe(400);
  });

  it('sends a location, and refuses one the contract does not allow without calling the bridge', async () => {
    expect((await send({ type: 'location', lat: 52.52, lon: 13.405 })).status).toBe(200);
    expect(m.bridge.calls[0]?.body).toMatchObject({ message: { type: 'location', lat: 52.52, lon: 13.405 } });
    const outOfRange = await send({ type: 'location', lat: 91, lon: 0 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.json.error.issues[0].path).toBe('message.lat');
    const blank = await send({ type: 'text', text: '   ' });
    expect(blank.status).toBe(400);
    expect(m.bridge.calls).toHaveLength(1);
  });

  it('passes typing on to the bridge', async () => {
    const answer = await m.api('POST', `/api/conversations/${conversationId}/typing`, {});
    expect(answer.status).toBe(200);
    const call = m.bridge.callsTo(bridgePaths.typing)[0];
    expect(call?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(z.safeParse(bridgeTypingRequest, call?.body).success).toBe(true);
    expect(call?.body).toEqual({ conversation: { id: conversationId }, sender: { id: 'client-15550102030' } });
    expect((await m.api('POST', '/api/conversations/conv-unknown/typing', {})).status).toBe(404);
  });

  it("reacts to a manager message by amoCRM's id, and removes the reaction", async () => {
    const id = await managerMessage();
    expect((await m.api('POST', `/api/messages/${id}/reactions`, { emoji: '👍' })).status).toBe(200);
    expect((await m.api('POST', `/api/messages/${id}/reactions`, { emoji: null })).status).toBe(200);
    const [react, unreact] = m.bridge.callsTo(bridgePaths.reactions);
    for (const call of [react, unreact]) expect(z.safeParse(bridgeReactionRequest, call?.body).success).toBe(true);
    expect(react?.body).toEqual({
      id: expect.stringMatching(/^r-/),
      sender: { id: 'client-15550102030' },
      message: { message_id: AMOJO_MSG },
      type: 'react',
      emoji: '👍',
    });
    expect(unreact?.body).toMatchObject({ type: 'unreact', message: { message_id: AMOJO_MSG } });
    expect(unreact?.body).not.toHaveProperty('emoji');
    expect(m.messenger.state().conversations[0]?.messages[0]?.reactions.client).toBeUndefined();
  });

  it('sends one read receipt per manager message and shows it read', async () => {
    const id = await managerMessage();
    const [first, second] = await Promise.all([
      m.api('POST', `/api/messages/${id}/read`, {}),
      m.api('POST', `/api/messages/${id}/read`, {}),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await m.api('POST', `/api/messages/${id}/read`, {});
    const receipts = m.bridge.callsTo(bridgePaths.receipts);
    expect(receipts).toHaveLength(1);
    expect(z.safeParse(bridgeReceiptRequest, receipts[0]?.body).success).toBe(true);
    expect(receipts[0]?.body).toEqual({ message: { message_id: AMOJO_MSG }, status: 'read' });
    expect(m.messenger.state().conversations[0]?.messages[0]?.status).toBe('read');
  });

  it('repeats a read receipt the bridge answered 404 not_found (the delivery answer was not recorded yet)', async () => {
    const id = await managerMessage();
    const notFound = { status: 404, body: { error: { code: 'not_found', message: 'unknown manager message' } } };
    m.bridge.respond(bridgePaths.receipts, notFound, notFound);
    expect((await m.api('POST', `/api/messages/${id}/read`, {})).status).toBe(200);
    expect(m.bridge.callsTo(bridgePaths.receipts)).toHaveLength(3);
    expect(m.messenger.state().conversations[0]?.messages[0]?.status).toBe('read');
  });

  it('marks a message the bridge refused as failed, and a retry posts the very same body', async () => {
    m.bridge.respond(bridgePaths.messages, { status: 503, body: { error: { code: 'internal_error', message: 'x' } } });
    const failed = await send({ type: 'text', text: 'Are you there?' });
    expect(failed.status).toBe(502);
    expect(failed.json.error.code).toBe('internal_error');
    expect(failed.json.message).toMatchObject({ status: 'failed', error: 'internal_error' });

    m.clock.now += 30_000;
    const retried = await m.api('POST', `/api/messages/${failed.json.message.id}/retry`, {});
    expect(retried.status).toBe(200);
    const [firstCall, secondCall] = m.bridge.callsTo(bridgePaths.messages);
    expect(secondCall?.body).toEqual(firstCall?.body);
    expect(m.messenger.state().conversations[0]?.messages.map((x) => x.status)).toEqual(['sent']);
  });

  it('answers 409 not_configured without an API key, and calls nothing', async () => {
    await m.api('PUT', '/api/settings', { apiKey: '' });
    const answer = await send({ type: 'text', text: 'hello' });
    expect(answer.status).toBe(409);
    expect(answer.json.error.code).toBe('not_configured');
    expect(m.bridge.calls).toEqual([]);
  });

  it('refuses writes that are not JSON (a form post from another site) with 415', async () => {
    const response = await fetch(`${m.messenger.url}/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ type: 'text', text: 'hi' }),
    });
    expect(response.status).toBe(415);
    const settings = await fetch(`${m.messenger.url}/api/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'apiKey=stolen',
    });
    expect(settings.status).toBe(415);
    expect(m.bridge.calls).toEqual([]);
  });
});
