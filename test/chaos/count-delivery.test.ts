import { describe, expect, it } from 'vitest';
import type { ChaosLoad, SentManagerMessage } from '../../chaos/chaos-load';
import { countDelivery } from '../../chaos/count-delivery';
import type { ChaosWorld } from '../../chaos/start-chaos-world';
import type { TakenEvent } from '../../chaos/start-counting-messenger';

// The suite's verdict is only as good as its counting: each fault it must report, on made-up arrivals.
const TAG = 't1';

function worldWith(clientTexts: string[], taken: TakenEvent[]): ChaosWorld {
  const messages = clientTexts.map((text) => ({ direction: 'incoming', content: { type: 'text', text } }));
  const emulator = { listChats: () => [{ id: 'chat-1' }], listMessages: () => messages };
  const messenger = { taken, rejected: [], redelivered: () => 0 };
  return { scopeId: 'scope', emulator, messenger } as unknown as ChaosWorld;
}

function loadOf(clientSent: number[], managerSent: SentManagerMessage[]): ChaosLoad {
  return { tag: TAG, clientSent, managerSent, chats: ['chat-1'] } as unknown as ChaosLoad;
}

const manager = (seq: number, hook = 'delivered'): SentManagerMessage => ({
  conversation: 0,
  seq,
  messageId: `amo-${seq}`,
  hook,
});
const taken = (seq: number, eventId = `e-${seq}`): TakenEvent => ({
  eventId,
  messageId: `amo-${seq}`,
  conversationId: `${TAG}-c0`,
  text: `${TAG} c0 m#${seq}`,
});

describe('countDelivery', () => {
  it('finds nothing wrong when every message arrived once and in order', () => {
    const world = worldWith([`${TAG} c0 #1`, `${TAG} c0 #2`], [taken(1), taken(2)]);
    const count = countDelivery(world, loadOf([2], [manager(1), manager(2)]), false);
    expect(count).toMatchObject({ sent: 4, lost: 0, doubled: 0, reordered: 0 });
  });

  it('counts a client message lost, doubled or out of order at amojo', () => {
    const world = worldWith([`${TAG} c0 #2`, `${TAG} c0 #1`, `${TAG} c0 #2`], []);
    const count = countDelivery(world, loadOf([3], []), false);
    expect(count).toMatchObject({ lost: 1, doubled: 1, reordered: 1 });
  });

  it('counts a manager message under two event ids as doubled, a missing one as lost, a late one as reordered', () => {
    const world = worldWith([], [taken(2), taken(1), taken(2, 'e-2-again')]);
    const count = countDelivery(world, loadOf([0], [manager(1), manager(2), manager(3)]), false);
    expect(count).toMatchObject({ lost: 1, doubled: 1, reordered: 1 });
  });

  it('leaves a missed hook out of the loss unless recovery was expected, and out of the order check', () => {
    const world = worldWith([], [taken(2), taken(1)]);
    const load = loadOf([0], [manager(1, 'failed'), manager(2), manager(3, 'dropped')]);
    expect(countDelivery(world, load, false)).toMatchObject({
      lost: 0,
      reordered: 0,
      missedHooks: 2,
      missedArrived: 1,
    });
    expect(countDelivery(world, load, true)).toMatchObject({ lost: 1, missedHooks: 2, missedArrived: 1 });
  });

  it('ignores messages of other scenarios', () => {
    const world = worldWith(['other c0 #1'], [{ ...taken(1), text: 'other c0 m#1' }]);
    expect(countDelivery(world, loadOf([0], []), false)).toMatchObject({ sent: 0, lost: 0, doubled: 0 });
  });
});
