import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConversationById } from '../../src/store/conversations-repo';
import { enqueueRelayJob, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// Client -> amoCRM: messages the bridge accepted reach amojo once, in order per conversation, with amojo's ids stored.
describe('relay: client messages to amojo', () => {
  let h: RelayHarness;
  beforeEach(async () => {
    h = await startRelayHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends each message once with its derived msgid, in order per conversation, and stores amojo ids', async () => {
    const sent = [];
    for (let i = 0; i < 6; i++) {
      const conversationId = `conv-${i % 2}`;
      sent.push(await h.clientMessage({ messengerId: `m${i}`, conversationId, clientId: `client-${i % 2}` }));
    }
    await waitFor('all jobs done', () => h.settled());

    for (const { msgid, messageRowId } of sent) {
      const atAmojo = h.emulator.findMessageByMsgid(h.scopeId, msgid);
      expect(atAmojo?.direction).toBe('incoming');
      const row = await h.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', messageRowId)
        .executeTakeFirstOrThrow();
      expect(row.amojoMsgId).toBe(atAmojo?.id);
    }
    const chats = h.emulator.listChats(h.scopeId);
    expect(chats.map((c) => c.conversationId).sort()).toEqual(['conv-0', 'conv-1']);
    for (const chat of chats) {
      const order = h.emulator.listMessages(chat.id).map((m) => m.msgid);
      const expected = sent.filter((_, i) => `conv-${i % 2}` === chat.conversationId).map((s) => s.msgid);
      expect(order).toEqual(expected);
    }
    const newMessages = h.amojoRequests.filter((r) => (r.body as { event_type?: string }).event_type === 'new_message');
    expect(newMessages).toHaveLength(6);
    const conversation = await findConversationById(h.db, sent[0]?.conversationRowId ?? '');
    expect(conversation?.lastInboundAt).toBeGreaterThan(0);
  });

  it('rides out amojo answering 503 and 429 (honouring Retry-After) and delivers every message once', async () => {
    h.emulator.misbehave({ status: 503, count: 3 });
    h.emulator.misbehave({ status: 429, retryAfter: 1, count: 2 });
    const started = Date.now();
    const sent = [];
    for (let i = 0; i < 4; i++) {
      sent.push(await h.clientMessage({ messengerId: `r${i}`, conversationId: `busy-${i}`, clientId: `c${i}` }));
    }
    await waitFor('all jobs done', () => h.settled());
    for (const { msgid } of sent) {
      const copies = h.emulator
        .listChats(h.scopeId)
        .flatMap((c) => h.emulator.listMessages(c.id))
        .filter((m) => m.msgid === msgid);
      expect(copies).toHaveLength(1);
    }
    const jobs = await h.jobs();
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    expect(jobs.some((j) => j.attempts > 1 && j.lastError === 'amojo_rate_limited')).toBe(true);
    expect(jobs.some((j) => j.lastError === 'amojo_upstream_error')).toBe(true);
    // A job refused with Retry-After: 1 waited at least that second before its next attempt.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.emulator.pendingMisbehaviour()).toEqual([]);
  });

  it('parks a message amojo refuses (4xx) as a dead letter without holding back the conversation', async () => {
    // A reply to a message amojo does not know: amojo answers 404 for the quoted message, which is final for a send.
    const bad = await h.clientMessage({
      messengerId: 'ok-1',
      conversationId: 'c',
      clientId: 'u',
      edit: (request) => {
        request.payload.reply_to = { message: { id: 'no-such-message' } };
      },
    });
    const next = await h.clientMessage({ messengerId: 'ok-2', conversationId: 'c', clientId: 'u' });
    await waitFor('all jobs ended', () => h.settled());
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.status)).toEqual(['dead', 'done']);
    expect(jobs[0]?.attempts).toBe(1);
    expect(h.emulator.findMessageByMsgid(h.scopeId, bad.msgid)).toBeUndefined();
    expect(h.emulator.findMessageByMsgid(h.scopeId, next.msgid)).toBeDefined();
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/relay_dead_letters_total\{kind="amojo.new_message"\} 1/);
  });

  it('dead-letters a job whose stored payload does not match the job contract', async () => {
    const row = await enqueueRelayJob(h.db, { kind: 'bridge.deliver', linkId: h.link.id, dedupeKey: 'x' }, 'odd');
    await h.db.updateTable('outbox').set({ payload: '{"kind":"bridge.deliver"}' }).where('id', '=', row.id).execute();
    h.worker.notify();
    await waitFor('all jobs ended', () => h.settled());
    expect((await h.jobs()).map((j) => [j.status, j.lastError])).toEqual([['dead', 'invalid_payload']]);
  });
});
