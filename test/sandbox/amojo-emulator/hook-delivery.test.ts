import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyResponse } from '../../../src/contracts/amojo';
import { type Harness, inboundText, startHarness } from './harness';

// Hooks dropped while the backend is "down": stored at amojo, announced to nobody, readable from history.
describe('amojo emulator: hook delivery switch', () => {
  let h: Harness;
  let chatId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    chatId = h.emulator.listChats()[0]!.id;
  });
  afterEach(() => h.close());

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${h.emulator.url}/_control${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const say = (text: string) => h.emulator.sendMessage({ chatId, message: { type: 'text', text } });

  it('records hooks as dropped and sends none while set to drop, and sends again once set back', async () => {
    expect(h.emulator.hookDelivery()).toEqual({ mode: 'send' });
    expect(h.emulator.setHookDelivery({ mode: 'drop' })).toEqual({ mode: 'drop' });
    const dropped = await say('while you were down');
    expect(dropped.hook).toMatchObject({ state: 'dropped' });
    expect(h.receiver.received).toHaveLength(0);
    // Typing and reactions are hooks too.
    expect((await h.emulator.typing({ chatId })).hook).toMatchObject({ state: 'dropped' });

    h.emulator.setHookDelivery({ mode: 'send' });
    const sent = await say('back up');
    expect(sent.hook).toMatchObject({ state: 'delivered', status: 200 });
    expect(h.receiver.received).toHaveLength(1);
    expect(h.emulator.listHookDeliveries().map((d) => d.state)).toEqual(['dropped', 'dropped', 'delivered']);

    // The dropped message is still amojo's: history shows it, newest first, addressed to the client.
    const history = await h.call({ method: 'GET', path: h.paths.history(chatId) });
    const body = historyResponse.parse(history.json());
    expect(body.messages.map((m) => m.message.text)).toEqual(['back up', 'while you were down', 'hello']);
    expect(body.messages[1]).toMatchObject({
      sender: { id: h.emulator.managers[0]!.id },
      receiver: { client_id: 'client-1' },
      message: { id: dropped.message.id },
    });
    expect(body.messages[1]?.message.client_id).toBeUndefined();
    expect(body.messages[1]?.sender.client_id).toBeUndefined();
  });

  it('switches over HTTP with POST /_control/hook-delivery and refuses an unknown mode', async () => {
    expect(await control('POST', '/hook-delivery', { mode: 'drop' })).toEqual({ status: 200, body: { mode: 'drop' } });
    expect(await control('GET', '/hook-delivery')).toEqual({ status: 200, body: { mode: 'drop' } });
    expect((await say('lost')).hook.state).toBe('dropped');
    const refused = await control('POST', '/hook-delivery', { mode: 'later' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toContain('mode');
    expect((await control('POST', '/hook-delivery', { mode: 'send' })).body).toEqual({ mode: 'send' });
    expect((await say('found')).hook.state).toBe('delivered');
  });

  it('pages a long history newest first without gaps or repeats (offset 0, 50, 100)', async () => {
    h.emulator.setHookDelivery({ mode: 'drop' });
    for (let i = 1; i <= 70; i += 1) {
      h.clock.now = new Date(h.clock.now.getTime() + 1000);
      await say(`reply ${i}`);
    }
    const page = async (offset: number) => {
      const result = await h.call({
        method: 'GET',
        path: h.paths.history(chatId),
        query: `?offset=${offset}&limit=50`,
      });
      return result.status === 204 ? [] : historyResponse.parse(result.json()).messages.map((m) => m.message.text);
    };
    const first = await page(0);
    const second = await page(50);
    expect(first).toHaveLength(50);
    expect(first[0]).toBe('reply 70');
    expect([...first, ...second]).toEqual([...Array.from({ length: 70 }, (_, i) => `reply ${70 - i}`), 'hello']);
    expect(await page(100)).toEqual([]);
  });
});
