import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { statusOrderingKey } from '../../src/jobs/ordering-keys';
import { deliveryStatusJob } from '../../src/relay/delivery-status-job';
import { findMessageByAmojoId } from '../../src/store/messages-repo';
import { enqueue, requeueDeadLetters } from '../../src/store/outbox-repo';
import { enqueueRelayJob, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// Manager -> client: amojo hooks reach the messenger once, and amojo hears back delivered / read / error.
describe('relay: manager messages to the messenger', () => {
  let h: RelayHarness;
  beforeEach(async () => {
    h = await startRelayHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** A chat the client started, and a manager answer in it. */
  async function managerReply(text = 'Hello from the CRM') {
    const first = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, first.msgid));
    const chat = h.emulator.listChats(h.scopeId)[0];
    const sent = await h.emulator.sendMessage({ chatId: chat?.id ?? '', message: { type: 'text', text } });
    expect(sent.hook.state).toBe('delivered');
    return { chat, amojoMsgId: sent.message.id, first };
  }

  const statusAtAmojo = (id: string) => h.emulator.getMessage(id)?.deliveryStatus?.status;

  it('delivers a manager reply to the messenger, stores its id, and reports "delivered" to amojo', async () => {
    const { amojoMsgId } = await managerReply();
    await waitFor('delivered at amojo', () => statusAtAmojo(amojoMsgId) === 1);
    const [event, ...rest] = h.messenger.accepted();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'message',
      message_id: amojoMsgId,
      conversation: { id: 'conv-1' },
      recipient: { id: 'client-1' },
      sender: { role: 'manager' },
      message: { type: 'text', text: 'Hello from the CRM' },
    });
    // amojo hears "delivered" before the status job's outcome (which stores it here) commits.
    const row = await waitFor('delivered stored', async () => {
      const found = await findMessageByAmojoId(h.db, h.link.id, amojoMsgId);
      return found?.status === 1 ? found : undefined;
    });
    expect(row).toMatchObject({ direction: 'out', status: 1, ourMsgid: bridgeMsgid(h.link.id, `msgr-${event?.id}`) });
    expect(h.messenger.rejected).toEqual([]);
    // Each call is counted where it went: the client message and the status at amojo, the delivery at the messenger.
    await waitFor('all jobs done', () => h.settled());
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/amojo_calls_total\{endpoint="new_message",outcome="200"\} 1\n/);
    expect(metrics).toMatch(/amojo_calls_total\{endpoint="delivery_status",outcome="200"\} 1\n/);
    expect(metrics).toMatch(/bridge_deliveries_total\{kind="message",outcome="200"\} 1\n/);
  });

  it('keeps the queue depth gauge current, live and dead jobs only', async () => {
    await h.close();
    h = await startRelayHarness({ worker: { depthEveryMs: 10 } });
    const { amojoMsgId } = await managerReply();
    await waitFor('delivered at amojo', () => statusAtAmojo(amojoMsgId) === 1);
    // A job no release knows dead-letters at once: the gauge must come to count it.
    await enqueue(h.db, { idempotencyKey: 'unknown-kind', kind: 'test.unknown', payload: '{}' }, Date.now());
    h.worker.notify();
    await waitFor('all jobs settled', () => h.settled());
    const gauge = async () => h.metrics.registry.metrics();
    await waitFor('the gauge caught up', async () => (await gauge()).includes('relay_queue_depth{status="dead"} 1\n'));
    expect(await gauge()).toMatch(/relay_queue_depth\{status="pending"\} 0\n/);
    expect(await gauge()).not.toContain('status="done"');
  });

  it('passes a read receipt on as 2 and never sends a status that would move it back', async () => {
    const { amojoMsgId } = await managerReply();
    await waitFor('delivered at amojo', () => statusAtAmojo(amojoMsgId) === 1);
    await enqueue(h.db, deliveryStatusJob(h.link.id, amojoMsgId, { delivery_status: 2 }), Date.now());
    h.worker.notify();
    await waitFor('read at amojo', () => statusAtAmojo(amojoMsgId) === 2);
    // A late "delivered" and a late failure, as a slow receipt route might produce them.
    const late = [
      { msgid: amojoMsgId, delivery_status: 1 as const },
      { msgid: amojoMsgId, delivery_status: -1 as const, error_code: 903 as const, error: 'late failure' },
    ];
    for (const [i, request] of late.entries()) {
      await enqueueRelayJob(
        h.db,
        { kind: 'amojo.delivery_status', linkId: h.link.id, amojoMsgId, request },
        `late-${i}`,
        statusOrderingKey(h.link.id, amojoMsgId),
      );
    }
    h.worker.notify();
    await waitFor('all jobs done', () => h.settled());
    expect(h.emulator.getMessage(amojoMsgId)?.statusHistory.map((s) => s.status)).toEqual([1, 2]);
    expect((await findMessageByAmojoId(h.db, h.link.id, amojoMsgId))?.status).toBe(2);
    expect(await h.metrics.registry.metrics()).toMatch(
      /relay_job_attempts_total\{kind="amojo.delivery_status",outcome="not_forward"\} 2/,
    );
  });

  it('retries a messenger that is down, dead-letters with 903 for the manager, and delivers once after replay', async () => {
    const first = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, first.msgid));
    h.messenger.state.mode = { kind: 'down' };
    const chat = h.emulator.listChats(h.scopeId)[0];
    const sent = await h.emulator.sendMessage({
      chatId: chat?.id ?? '',
      message: { type: 'text', text: 'are you there?' },
    });
    await waitFor('the error status at amojo', () => statusAtAmojo(sent.message.id) === -1);
    const dead = (await h.jobs()).filter((j) => j.status === 'dead');
    expect(dead.map((j) => [j.kind, j.attempts, j.lastError])).toEqual([
      ['bridge.deliver', 4, 'messenger_network_error'],
    ]);
    expect(h.emulator.getMessage(sent.message.id)?.deliveryStatus).toMatchObject({ errorCode: 903 });
    expect(h.emulator.getMessage(sent.message.id)?.deliveryStatus?.error).toMatch(/messenger/i);
    expect(h.messenger.accepted()).toEqual([]);

    h.messenger.state.mode = { kind: 'ok' };
    expect(await requeueDeadLetters(h.db, { kind: 'bridge.deliver' }, Date.now())).toBe(1);
    h.worker.notify();
    await waitFor('delivered at amojo after replay', () => statusAtAmojo(sent.message.id) === 1);
    await waitFor('all jobs done', () => h.settled());
    expect(h.messenger.accepted().map((e) => e.type === 'message' && e.message_id)).toEqual([sent.message.id]);
    expect(h.messenger.received.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('gives up at once on a refusal about the message itself and tells the manager why (905)', async () => {
    h.messenger.state.mode = { kind: 'status', status: 422 };
    const { amojoMsgId } = await managerReply();
    await waitFor('the error status at amojo', () => statusAtAmojo(amojoMsgId) === -1);
    const deliver = (await h.jobs()).find((j) => j.kind === 'bridge.deliver');
    expect([deliver?.status, deliver?.attempts, deliver?.lastError]).toEqual(['dead', 1, 'messenger_422']);
    expect(h.emulator.getMessage(amojoMsgId)?.deliveryStatus).toMatchObject({
      errorCode: 905,
      error: 'The messenger refused the message (HTTP 422).',
    });
  });

  it('honours the messenger’s Retry-After on 429 before the next attempt', async () => {
    h.messenger.state.mode = { kind: 'status', status: 429, retryAfter: 1 };
    const { amojoMsgId } = await managerReply();
    await waitFor('one refused attempt', () => h.messenger.received.length === 1);
    const refusedAt = Date.now();
    h.messenger.state.mode = { kind: 'ok' };
    await waitFor('delivered at amojo', () => statusAtAmojo(amojoMsgId) === 1);
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(900);
    expect(h.messenger.received.map((r) => r.status)).toEqual([429, 200]);
  });
});
