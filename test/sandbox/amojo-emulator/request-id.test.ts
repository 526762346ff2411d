import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequestDedupe } from '../../../src/sandbox/amojo-emulator/create-request-dedupe';
import { type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

// The control API stands for amoCRM's UI; a double-clicked Send there must still be one message.
describe('amojo emulator: control actions are idempotent per requestId', () => {
  let h: Harness;
  let chatId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    chatId = h.emulator.listChats()[0]!.id;
  });
  afterEach(() => h.close());

  const outgoing = () => h.emulator.listMessages(chatId).filter((m) => m.direction === 'outgoing');

  it('sends one message for two concurrent requests with one requestId; the second is marked duplicate', async () => {
    h.receiver.state.delayMs = 50;
    const input = { chatId, requestId: 'req-1', message: { type: 'text' as const, text: 'Hi!' } };
    const [first, second] = await Promise.all([h.emulator.sendMessage(input), h.emulator.sendMessage(input)]);
    expect(outgoing()).toHaveLength(1);
    expect(h.receiver.received).toHaveLength(1);
    expect(first.duplicate).toBeUndefined();
    expect(second).toMatchObject({ duplicate: true, message: { id: first.message.id }, hook: { id: first.hook.id } });
    const later = await h.emulator.sendMessage(input);
    expect(later).toMatchObject({ duplicate: true, message: { id: first.message.id } });
    expect(outgoing()).toHaveLength(1);
  });

  it('sends each message without a requestId, or with another one', async () => {
    const message = { type: 'text' as const, text: 'ok' };
    await h.emulator.sendMessage({ chatId, message });
    await h.emulator.sendMessage({ chatId, message });
    await h.emulator.sendMessage({ chatId, message, requestId: 'a' });
    await h.emulator.sendMessage({ chatId, message, requestId: 'b' });
    expect(outgoing()).toHaveLength(4);
  });

  it('answers 409 naming requestId when one id comes with another body', async () => {
    await h.emulator.sendMessage({ chatId, requestId: 'req-2', message: { type: 'text', text: 'one' } });
    await expect(
      h.emulator.sendMessage({ chatId, requestId: 'req-2', message: { type: 'text', text: 'two' } }),
    ).rejects.toMatchObject({ status: 409, errors: [{ path: 'requestId' }] });
    expect(outgoing().map((m) => m.content.text)).toEqual(['one']);
  });

  it('forgets the id of a refused request, so the same request may be tried again', async () => {
    const input = { chatId, requestId: 'req-3', message: { type: 'text' as const, text: 'x' }, senderId: 'nobody' };
    await expect(h.emulator.sendMessage(input)).rejects.toMatchObject({ status: 400 });
    const { senderId: _unknown, ...fixed } = input;
    await expect(h.emulator.sendMessage(fixed)).resolves.toMatchObject({ message: { direction: 'outgoing' } });
  });

  it('starts one write-first conversation with one first message for a repeated requestId', async () => {
    const input = {
      scopeId: SCOPE_ID,
      phone: '+15550109999',
      name: 'Ivan',
      requestId: 'wf-1',
      message: { type: 'text' as const, text: 'Your order is ready' },
    };
    const [first, second] = await Promise.all([h.emulator.startWriteFirst(input), h.emulator.startWriteFirst(input)]);
    expect(second).toMatchObject({ duplicate: true, chat: { id: first.chat.id }, message: { id: first.message.id } });
    expect(h.emulator.listMessages(first.chat.id)).toHaveLength(1);
    expect(h.emulator.listChats()).toHaveLength(2);
  });

  it('dedupes over the HTTP control API too', async () => {
    const post = () =>
      fetch(`${h.emulator.url}/_control/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ chatId, requestId: 'http-1', message: { type: 'text', text: 'Hello' } }),
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([true, undefined]);
    expect(outgoing()).toHaveLength(1);
  });
});

describe('createRequestDedupe', () => {
  it('remembers the newest ids only, and hands each caller its own copy', async () => {
    const once = createRequestDedupe(2);
    let runs = 0;
    const run = async () => ({ n: ++runs });
    const first = await once('message', 'a', {}, run);
    first.n = 99;
    expect(await once('message', 'a', {}, run)).toEqual({ n: 1, duplicate: true });
    await once('message', 'b', {}, run);
    await once('message', 'c', {}, run);
    // `a` was the oldest of three with room for two: it runs again rather than growing the memory for ever.
    expect(await once('message', 'a', {}, run)).toEqual({ n: 4 });
    expect(runs).toBe(4);
  });
});
