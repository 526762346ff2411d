import { describe, expect, it } from 'vitest';
import { bridgeHarnessWithMessage, messageBody, queuedRequests } from './helpers/bridge-harness';

const h = bridgeHarnessWithMessage();

describe('POST /bridge/v1/typing', () => {
  const typing = (conversation = 'conv-1') =>
    h.post('/bridge/v1/typing', { conversation: { id: conversation }, sender: { id: 'user-1' }, duration_ms: 4000 });

  it('passes one typing per conversation per 3 s and answers the rest throttled', async () => {
    expect(await (await typing()).json()).toEqual({ accepted: true, id: 'conv-1', duplicate: false });
    h.clock.now += 1000;
    expect(await (await typing()).json()).toEqual({ accepted: true, id: 'conv-1', duplicate: false, throttled: true });
    h.clock.now += 1999;
    expect(await (await typing()).json()).toMatchObject({ throttled: true });
    h.clock.now += 1;
    expect(await (await typing()).json()).toEqual({ accepted: true, id: 'conv-1', duplicate: false });
    expect(await queuedRequests(h, 'amojo.typing')).toEqual([
      { conversation_id: 'conv-1', sender: { id: 'user-1' }, duration_ms: 4000 },
      { conversation_id: 'conv-1', sender: { id: 'user-1' }, duration_ms: 4000 },
    ]);
  });

  it('throttles across a time-slot boundary too (3 s since the last one, not per slot)', async () => {
    h.clock.now += 2500;
    expect(await (await typing()).json()).toEqual({ accepted: true, id: 'conv-1', duplicate: false });
    h.clock.now += 600;
    expect(await (await typing()).json()).toMatchObject({ throttled: true });
    expect(await queuedRequests(h, 'amojo.typing')).toHaveLength(1);
  });

  it('throttles conversations separately', async () => {
    expect(
      (await h.post('/bridge/v1/messages', messageBody({ id: 'm-2', conversation: { id: 'conv-2' } }))).status,
    ).toBe(202);
    await typing('conv-1');
    await typing('conv-2');
    expect(await queuedRequests(h, 'amojo.typing')).toHaveLength(2);
  });

  it('ignores typing in a conversation that has no message yet', async () => {
    expect(await (await typing('conv-new')).json()).toEqual({
      accepted: true,
      id: 'conv-new',
      duplicate: false,
      ignored: true,
    });
    expect(await queuedRequests(h, 'amojo.typing')).toHaveLength(0);
  });
});
