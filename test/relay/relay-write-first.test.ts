import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConversationByAmojoChatId } from '../../src/store/conversations-repo';
import { findParticipantById } from '../../src/store/participants-repo';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

interface SentPayload {
  event_type?: string;
  payload?: { msgid?: string; conversation_ref_id?: string; sender?: { id: string; ref_id?: string } };
}

// Write first: a manager starts a chat by phone; the messenger names it; the client's first reply binds it at amojo.
describe('relay: write-first conversations', () => {
  let h: RelayHarness;
  beforeEach(async () => {
    h = await startRelayHarness({
      answer: (event) =>
        event.type === 'conversation.started'
          ? { message_id: `msgr-${event.id}`, conversation_id: 'wf-conv', recipient_id: 'wf-client' }
          : { message_id: `msgr-${event.id}` },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts the conversation at the messenger, then binds it with the first client reply exactly once', async () => {
    const started = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990001122',
      name: 'Ivan',
      message: { type: 'text', text: 'Hello, we got your order' },
    });
    const chatId = started.chat.id;
    await waitFor('delivered at amojo', () => h.emulator.getMessage(started.message.id)?.deliveryStatus?.status === 1);
    const [startEvent] = h.messenger.accepted();
    expect(startEvent).toMatchObject({
      type: 'conversation.started',
      conversation: { amojo_chat_id: chatId },
      recipient: { phone: '+79990001122', amojo_user_id: started.chat.clientParticipantId },
      message: { type: 'text', text: 'Hello, we got your order' },
    });
    const pending = await findConversationByAmojoChatId(h.db, h.link.id, chatId);
    expect(pending).toMatchObject({ conversationId: 'wf-conv', refPending: 1, phone: '+79990001122' });
    const participant = await findParticipantById(h.db, pending?.participantId ?? '');
    expect(participant).toMatchObject({ clientId: 'wf-client', amojoUserId: started.chat.clientParticipantId });

    // The chat is still unnamed at amojo, but the messenger has named it: this one arrives as a plain message.
    const second = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'Are you there?' } });
    await waitFor('second delivered', () => h.emulator.getMessage(second.message.id)?.deliveryStatus?.status === 1);
    expect(h.messenger.accepted()[1]).toMatchObject({
      type: 'message',
      conversation: { id: 'wf-conv', amojo_chat_id: chatId },
      recipient: { id: 'wf-client' },
    });

    const replies = [];
    for (const id of ['wf-r1', 'wf-r2']) {
      replies.push(await h.clientMessage({ messengerId: id, conversationId: 'wf-conv', clientId: 'wf-client' }));
    }
    await waitFor('all jobs done', () => h.settled());

    expect(h.emulator.listChats(h.scopeId).map((c) => [c.id, c.conversationId])).toEqual([[chatId, 'wf-conv']]);
    expect(h.emulator.listMessages(chatId).map((m) => m.msgid ?? m.id)).toEqual([
      started.message.id,
      second.message.id,
      ...replies.map((r) => r.msgid),
    ]);
    const client = h.emulator.listParticipants(h.scopeId).find((p) => p.id === started.chat.clientParticipantId);
    expect(client?.clientId).toBe('wf-client');

    const sends = h.amojoRequests.map((r) => r.body as SentPayload).filter((b) => b.event_type === 'new_message');
    const bound = sends.filter((b) => b.payload?.conversation_ref_id !== undefined);
    expect(bound).toHaveLength(1);
    expect(bound[0]?.payload).toMatchObject({
      msgid: replies[0]?.msgid,
      conversation_ref_id: chatId,
      sender: { id: 'wf-client', ref_id: started.chat.clientParticipantId },
    });
    expect(sends.filter((b) => b.payload?.sender?.ref_id !== undefined)).toHaveLength(1);
    expect((await findConversationByAmojoChatId(h.db, h.link.id, chatId))?.refPending).toBe(0);

    // Bound at amojo now: hooks carry our ids themselves.
    const third = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'Thanks!' } });
    await waitFor('third delivered', () => h.emulator.getMessage(third.message.id)?.deliveryStatus?.status === 1);
    expect(h.messenger.accepted().at(-1)).toMatchObject({ type: 'message', conversation: { id: 'wf-conv' } });
    expect(h.messenger.accepted().filter((e) => e.type === 'conversation.started')).toHaveLength(1);
  });

  it('keeps sending conversation.started while the messenger has not named the chat', async () => {
    const other = await startRelayHarness();
    try {
      const started = await other.emulator.startWriteFirst({
        scopeId: other.scopeId,
        phone: '+79990003344',
        message: { type: 'text', text: 'first' },
      });
      const again = await other.emulator.sendMessage({
        chatId: started.chat.id,
        message: { type: 'text', text: 'second' },
      });
      await waitFor('both delivered', () => other.emulator.getMessage(again.message.id)?.deliveryStatus?.status === 1);
      expect(other.messenger.accepted().map((e) => e.type)).toEqual(['conversation.started', 'conversation.started']);
      const row = await findConversationByAmojoChatId(other.db, other.link.id, started.chat.id);
      expect(row).toMatchObject({ conversationId: null, refPending: 1, phone: '+79990003344' });
    } finally {
      await other.close();
    }
  });
});
