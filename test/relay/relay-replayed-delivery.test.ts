import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findReferencedMessage } from '../../src/bridge/resolve-message-ref';
import { requeueDeadLetters } from '../../src/store/outbox-repo';
import { createRelayBridge, type RelayBridge } from './helpers/relay-bridge';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// A manager message that reached the messenger only after a replay: the messenger's id for it is stored all the
// same, so its receipts, reactions and quotes find the message.
describe('relay: a delivery replayed from the dead letters', () => {
  let h: RelayHarness;
  let bridge: RelayBridge;
  beforeEach(async () => {
    h = await startRelayHarness();
    bridge = await createRelayBridge(h);
  });
  afterEach(async () => {
    await h.close();
  });

  const statusAtAmojo = (id: string) => h.emulator.getMessage(id)?.deliveryStatus?.status;

  it('stores the messenger’s message id, so a receipt naming it is accepted and reaches amoCRM', async () => {
    const first = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, first.msgid));
    h.messenger.state.mode = { kind: 'down' };
    const chat = h.emulator.listChats(h.scopeId)[0];
    const sent = await h.emulator.sendMessage({ chatId: chat?.id ?? '', message: { type: 'text', text: 'hi' } });
    await waitFor('the error status at amojo', () => statusAtAmojo(sent.message.id) === -1);
    expect((await h.jobs()).filter((j) => j.status === 'dead').map((j) => j.kind)).toEqual(['bridge.deliver']);

    h.messenger.state.mode = { kind: 'ok' };
    expect(await requeueDeadLetters(h.db, { kind: 'bridge.deliver' }, Date.now())).toBe(1);
    h.worker.notify();
    await waitFor('delivered at amojo after replay', () => statusAtAmojo(sent.message.id) === 1);
    await waitFor('all jobs done', () => h.settled());
    const [event, ...more] = h.messenger.accepted();
    expect(more).toEqual([]);
    const messengerId = `msgr-${event?.id}`;

    const row = await findReferencedMessage(h.db, h.link.id, { id: messengerId });
    expect(row).toMatchObject({ direction: 'out', amojoMsgId: sent.message.id });
    const receipt = await bridge.post('/bridge/v1/receipts', { message: { id: messengerId }, status: 'read' });
    expect(receipt.status).toBe(202);
    await waitFor('read at amojo', () => statusAtAmojo(sent.message.id) === 2);
  });
});
