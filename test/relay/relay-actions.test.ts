import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/amojo/sign-webhook';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { conversationOrderingKey } from '../../src/jobs/ordering-keys';
import { CHANNEL_SECRET, enqueueRelayJob, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// Typing, reactions and edits in both directions, and the echo guard.
describe('relay: typing, reactions, edits', () => {
  let h: RelayHarness;
  let chatId: string;
  let clientMsgid: string;
  beforeEach(async () => {
    h = await startRelayHarness();
    clientMsgid = (await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' })).msgid;
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, clientMsgid));
    chatId = h.emulator.listChats(h.scopeId)[0]?.id ?? '';
  });
  afterEach(async () => {
    await h.close();
  });

  it('passes client typing to amojo at most once per conversation per interval', async () => {
    for (let i = 0; i < 3; i++) {
      await enqueueRelayJob(
        h.db,
        { kind: 'amojo.typing', linkId: h.link.id, request: { conversation_id: 'conv-1', sender: { id: 'client-1' } } },
        `typing-${i}`,
        null,
      );
    }
    h.worker.notify();
    await waitFor('all jobs done', () => h.settled());
    const typing = h.emulator.listTypingEvents().filter((t) => t.by === 'integration');
    expect(typing.map((t) => t.chatId)).toEqual([chatId]);
    expect(await h.metrics.registry.metrics()).toMatch(
      /relay_job_attempts_total\{kind="amojo.typing",outcome="throttled"\} 2/,
    );
  });

  it('delivers manager typing to the messenger with our conversation id', async () => {
    const { hook } = await h.emulator.typing({ chatId });
    expect(hook?.state).toBe('delivered');
    await waitFor('typing delivered', () => h.messenger.accepted().length === 1);
    expect(h.messenger.accepted()[0]).toMatchObject({
      type: 'typing',
      conversation: { id: 'conv-1', amojo_chat_id: chatId },
      sender: { id: h.emulator.managers[0]?.id },
    });
  });

  it('delivers a manager reaction on a client message with the messenger’s own message id', async () => {
    const message = h.emulator.findMessageByMsgid(h.scopeId, clientMsgid);
    await h.emulator.react({ messageId: message?.id ?? '', type: 'react', emoji: '👍' });
    await waitFor('reaction delivered', () => h.messenger.accepted().length === 1);
    expect(h.messenger.accepted()[0]).toMatchObject({
      type: 'reaction',
      action: 'react',
      emoji: '👍',
      message: { message_id: message?.id, id: 'c-1' },
      conversation: { id: 'conv-1' },
    });
  });

  it('sends a client reaction and a client edit to amojo', async () => {
    const manager = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'Hi' } });
    await waitFor('delivered', () => h.emulator.getMessage(manager.message.id)?.deliveryStatus?.status === 1);
    await enqueueRelayJob(
      h.db,
      {
        kind: 'amojo.react',
        linkId: h.link.id,
        request: {
          conversation_id: 'conv-1',
          id: manager.message.id,
          user: { id: 'client-1' },
          type: 'react',
          emoji: '❤️',
        },
      },
      'react-1',
      conversationOrderingKey(h.link.id, 'conv-1'),
    );
    const now = Date.now();
    await enqueueRelayJob(
      h.db,
      {
        kind: 'amojo.edit_message',
        linkId: h.link.id,
        request: {
          event_type: 'edit_message',
          payload: {
            timestamp: Math.floor(now / 1000),
            msec_timestamp: now,
            msgid: clientMsgid,
            conversation_id: 'conv-1',
            message: { type: 'text', text: 'edited text' },
          },
        },
      },
      'edit-1',
      conversationOrderingKey(h.link.id, 'conv-1'),
    );
    h.worker.notify();
    await waitFor('all jobs done', () => h.settled());
    expect(h.emulator.getMessage(manager.message.id)?.reactions).toMatchObject([{ by: 'integration', emoji: '❤️' }]);
    expect(h.emulator.findMessageByMsgid(h.scopeId, clientMsgid)?.content.text).toBe('edited text');
  });

  it('never delivers a client’s own message back to the messenger', async () => {
    const message = h.emulator.findMessageByMsgid(h.scopeId, clientMsgid);
    // A hook for a message we sent (amojo does not send these, but a replayed or misrouted one must be harmless).
    const body = JSON.stringify({
      account_id: h.link.amojoId,
      time: Math.floor(Date.now() / 1000),
      message: {
        receiver: { id: message?.senderId, client_id: 'client-1', phone: '', email: '' },
        sender: { id: h.emulator.managers[0]?.id },
        conversation: { id: chatId, client_id: 'conv-1' },
        timestamp: message?.timestamp,
        msec_timestamp: message?.msecTimestamp,
        message: { id: message?.id, type: 'text', text: 'text of c-1' },
      },
    });
    const res = await fetch(h.hookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': signWebhook(Buffer.from(body), CHANNEL_SECRET) },
      body,
    });
    expect(res.status).toBe(200);
    await waitFor('all jobs done', () => h.settled());
    expect(h.messenger.received).toEqual([]);
    const deliver = (await h.jobs()).find((j) => j.kind === 'bridge.deliver');
    expect(deliver?.status).toBe('done');
    expect(await h.metrics.registry.metrics()).toMatch(
      /relay_job_attempts_total\{kind="bridge.deliver",outcome="echo"\} 1/,
    );
    expect(bridgeMsgid(h.link.id, 'c-1')).toBe(clientMsgid);
  });
});
