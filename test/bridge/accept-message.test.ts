import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { conversationOrderingKey } from '../../src/jobs/ordering-keys';
import { relayJob } from '../../src/jobs/relay-jobs';
import { ensureConversationByAmojoChat, findConversation } from '../../src/store/conversations-repo';
import { findMessageByOurId, recordMessage } from '../../src/store/messages-repo';
import { ensureParticipantByAmojoUser, findParticipantById } from '../../src/store/participants-repo';
import { type BridgeHarness, messageBody, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness();
});
afterEach(async () => {
  await h.close();
});

type Payload = { request: { payload: Record<string, unknown> & { message: Record<string, unknown> } } };

async function accept(body: Record<string, unknown>) {
  const res = await h.post('/bridge/v1/messages', body);
  expect(res.status).toBe(202);
  return res.json();
}

async function lastPayload(): Promise<Payload['request']['payload']> {
  const jobs = await h.jobs('amojo.new_message');
  const job = jobs[jobs.length - 1];
  if (!job) throw new Error('no job');
  expect(z.safeParse(relayJob, job.json).success).toBe(true);
  return (job.json as unknown as Payload).request.payload;
}

const contents: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['text', { type: 'text', text: 'Hi' }, { type: 'text', text: 'Hi' }],
  [
    'text with callback_data and shared post',
    {
      type: 'text',
      text: 'Service 1',
      callback_data: 'vG9ujre8N7',
      shared_post: { url: 'https://social.example/p/1', preview_permalink: 'https://cdn.example/p1.jpg' },
    },
    {
      type: 'text',
      text: 'Service 1',
      callback_data: 'vG9ujre8N7',
      shared_post: { url: 'https://social.example/p/1', preview_permalink: 'https://cdn.example/p1.jpg', type: 'post' },
    },
  ],
  [
    'picture',
    { type: 'picture', url: 'https://cdn.example/a.jpg', file_name: 'a.jpg', file_size: 1024, caption: 'look' },
    { type: 'picture', media: 'https://cdn.example/a.jpg', file_name: 'a.jpg', file_size: 1024, text: 'look' },
  ],
  [
    'video',
    { type: 'video', url: 'https://cdn.example/v.mp4', file_name: 'v.mp4', file_size: 9, duration: 12 },
    { type: 'video', media: 'https://cdn.example/v.mp4', file_name: 'v.mp4', file_size: 9, media_duration: 12 },
  ],
  [
    'file',
    { type: 'file', url: 'https://cdn.example/f.pdf', file_name: 'f.pdf', file_size: 0 },
    { type: 'file', media: 'https://cdn.example/f.pdf', file_name: 'f.pdf', file_size: 0 },
  ],
  [
    'voice',
    { type: 'voice', url: 'https://cdn.example/v.ogg', duration: 3 },
    { type: 'voice', media: 'https://cdn.example/v.ogg', media_duration: 3 },
  ],
  [
    'audio',
    { type: 'audio', url: 'https://cdn.example/s.mp3', file_name: 's.mp3', file_size: 5 },
    { type: 'audio', media: 'https://cdn.example/s.mp3', file_name: 's.mp3', file_size: 5 },
  ],
  ['sticker', { type: 'sticker', sticker_id: 'st-1' }, { type: 'sticker', sticker_id: 'st-1' }],
  [
    'location',
    { type: 'location', lat: 55.75, lon: 37.62 },
    { type: 'location', location: { lat: 55.75, lon: 37.62 } },
  ],
  [
    'contact',
    { type: 'contact', name: 'Bob', phone: '+79990000000' },
    { type: 'contact', contact: { name: 'Bob', phone: '+79990000000' } },
  ],
];

describe('POST /bridge/v1/messages', () => {
  it.each(contents)('queues a %s message as a valid amojo new_message', async (_name, message, expected) => {
    const answer = await accept(messageBody({ message }));
    expect(answer).toEqual({ accepted: true, id: 'm-1', duplicate: false });
    const [job] = await h.jobs();
    expect(job?.kind).toBe('amojo.new_message');
    expect(z.safeParse(relayJob, job?.json).success).toBe(true);
    const payload = (job?.json as unknown as Payload | undefined)?.request.payload ?? { message: {} };
    expect(payload.message).toEqual(expected);
    expect(payload.msgid).toBe(bridgeMsgid(h.a.id, 'm-1'));
    expect(payload.conversation_id).toBe('conv-1');
    expect(payload.sender).toEqual({ id: 'user-1', name: 'Ann Client' });
    expect(payload.silent).toBe(false);
  });

  it('stores the job, the message row and the conversation, in the conversation order', async () => {
    await accept(messageBody({ sender: { id: 'user-1', name: 'Ann', phone: '+7 999 111-22-33', email: 'a@b.c' } }));
    const conversation = await findConversation(h.db, h.a.id, 'conv-1');
    expect(conversation?.lastInboundAt).toBe(h.clock.now);
    const row = await findMessageByOurId(h.db, h.a.id, bridgeMsgid(h.a.id, 'm-1'));
    expect(row).toMatchObject({ direction: 'in', conversationRowId: conversation?.id });
    const [job] = await h.jobs();
    expect(job).toMatchObject({
      linkId: h.a.id,
      orderingKey: conversationOrderingKey(h.a.id, conversation?.id ?? ''),
      idempotencyKey: `bridge:msg:${h.a.id}:m-1`,
      status: 'pending',
    });
    expect(job?.json).toMatchObject({ messageRowId: row?.id, linkId: h.a.id });
    const payload = (job?.json as unknown as Payload | undefined)?.request.payload ?? { message: {} };
    expect(payload.sender).toEqual({
      id: 'user-1',
      name: 'Ann',
      profile: { phone: '+7 999 111-22-33', email: 'a@b.c' },
    });
  });

  it('passes silent, source, sent_at (ISO and ms) and the comment post', async () => {
    await accept(
      messageBody({
        silent: true,
        source: '78001234567',
        sent_at: '2026-01-02T03:04:05.678+03:00',
        post: { id: 'post-9', url: 'https://social.example/p/9' },
      }),
    );
    const payload = await lastPayload();
    expect(payload).toMatchObject({
      silent: true,
      source: { external_id: '78001234567' },
      msec_timestamp: Date.parse('2026-01-02T00:04:05.678Z'),
      timestamp: Math.floor(Date.parse('2026-01-02T00:04:05.678Z') / 1000),
    });
    expect(payload.message).toEqual({
      type: 'text',
      text: 'Hello',
      post: { id: 'post-9', url: 'https://social.example/p/9' },
    });
    await accept(messageBody({ id: 'm-2', sent_at: 1_767_000_000_123 }));
    expect(await lastPayload()).toMatchObject({ msec_timestamp: 1_767_000_000_123, timestamp: 1_767_000_000 });
  });

  it('uses the receive time when sent_at is absent', async () => {
    await accept(messageBody());
    expect(await lastPayload()).toMatchObject({ msec_timestamp: h.clock.now, timestamp: h.clock.now / 1000 });
  });

  it('quotes a client message by our msgid and a manager message by amojo id; drops unknown quotes', async () => {
    await accept(messageBody({ id: 'm-1' }));
    await accept(messageBody({ id: 'm-2', reply_to: { id: 'm-1' } }));
    expect((await lastPayload()).reply_to).toEqual({ message: { msgid: bridgeMsgid(h.a.id, 'm-1') } });

    const conversation = await findConversation(h.db, h.a.id, 'conv-1');
    const { message } = await recordMessage(
      h.db,
      { linkId: h.a.id, conversationRowId: conversation?.id ?? '', direction: 'out', amojoMsgId: 'amojo-out-1' },
      h.clock.now,
    );
    expect(message.amojoMsgId).toBe('amojo-out-1');
    await accept(messageBody({ id: 'm-3', reply_to: { message_id: 'amojo-out-1' } }));
    expect((await lastPayload()).reply_to).toEqual({ message: { id: 'amojo-out-1' } });

    await accept(messageBody({ id: 'm-4', reply_to: { id: 'never-seen' } }));
    expect((await lastPayload()).reply_to).toBeUndefined();
    // A quote from another conversation cannot be shown at amojo (same chat only): dropped too.
    await accept(messageBody({ id: 'm-5', conversation: { id: 'conv-2' }, reply_to: { id: 'm-1' } }));
    expect((await lastPayload()).reply_to).toBeUndefined();
  });

  it('forwards a known message by reference and an unknown one inline', async () => {
    await accept(messageBody({ id: 'm-1' }));
    await accept(
      messageBody({ id: 'm-2', conversation: { id: 'conv-2' }, forward: { id: 'm-1', conversation_id: 'conv-1' } }),
    );
    expect((await lastPayload()).forwards).toEqual({
      messages: [{ msgid: bridgeMsgid(h.a.id, 'm-1') }],
      conversation_id: 'conv-1',
    });
    await accept(
      messageBody({
        id: 'm-3',
        forward: { sender_name: 'Somebody', sent_at: 1_766_000_000_000, message: { type: 'text', text: 'fwd' } },
      }),
    );
    expect((await lastPayload()).forwards).toEqual({
      messages: [
        {
          type: 'text',
          text: 'fwd',
          timestamp: 1_766_000_000,
          msec_timestamp: 1_766_000_000_000,
          sender: { name: 'Somebody' },
        },
      ],
    });
  });

  it('answers a retry of the same body with duplicate: true and queues nothing new', async () => {
    const body = messageBody({ message: { type: 'text', text: 'once' } });
    expect(await accept(body)).toEqual({ accepted: true, id: 'm-1', duplicate: false });
    h.clock.now += 60_000;
    // Key order and whitespace do not matter.
    const reordered = JSON.stringify({ message: { text: 'once', type: 'text' }, ...body });
    const again = await h.post('/bridge/v1/messages', reordered);
    expect([again.status, await again.json()]).toEqual([202, { accepted: true, id: 'm-1', duplicate: true }]);
    expect(await h.jobs()).toHaveLength(1);
  });

  it('refuses a reused id with a different body with 409 idempotency_conflict', async () => {
    await accept(messageBody());
    const res = await h.post('/bridge/v1/messages', messageBody({ message: { type: 'text', text: 'changed' } }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    expect(await h.jobs()).toHaveLength(1);
  });

  it('keeps the same messenger id apart on two links (msgid is link-scoped)', async () => {
    await accept(messageBody());
    const res = await h.post('/bridge/v1/messages', messageBody(), h.b.apiKey);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, id: 'm-1', duplicate: false });
    const msgids = (await h.jobs()).map((j) => (j.json as unknown as Payload).request.payload.msgid);
    expect(new Set(msgids).size).toBe(2);
  });

  it('binds a write-first chat by phone and leaves refPending for the relay', async () => {
    const { participant } = await ensureParticipantByAmojoUser(
      h.db,
      { linkId: h.a.id, amojoUserId: 'amojo-client-1', phone: '79161234567' },
      h.clock.now,
    );
    const { conversation: pending } = await ensureConversationByAmojoChat(
      h.db,
      {
        linkId: h.a.id,
        amojoChatId: 'amojo-chat-1',
        refPending: true,
        participantId: participant.id,
        phone: '79161234567',
      },
      h.clock.now,
    );
    await accept(
      messageBody({
        conversation: { id: 'tg-42', phone: '+7 916 123-45-67' },
        sender: { id: 'tg-user-42', name: 'Ann' },
      }),
    );
    const bound = await findConversation(h.db, h.a.id, 'tg-42');
    expect(bound).toMatchObject({ id: pending.id, amojoChatId: 'amojo-chat-1', refPending: 1 });
    expect(await findParticipantById(h.db, participant.id)).toMatchObject({
      clientId: 'tg-user-42',
      amojoUserId: 'amojo-client-1',
    });
    const [job] = await h.jobs();
    expect(job?.orderingKey).toBe(conversationOrderingKey(h.a.id, pending.id));
  });

  it('does not bind to a write-first chat without a phone', async () => {
    await ensureConversationByAmojoChat(
      h.db,
      { linkId: h.a.id, amojoChatId: 'amojo-chat-1', refPending: true, phone: '79161234567' },
      h.clock.now,
    );
    await accept(messageBody({ conversation: { id: 'tg-42' } }));
    expect((await findConversation(h.db, h.a.id, 'tg-42'))?.amojoChatId).toBeNull();
  });

  it('treats a message a history import already carried as a duplicate', async () => {
    const imported = await h.post('/bridge/v1/history-imports', {
      import_id: 'imp-1',
      conversation: { id: 'conv-1' },
      client: { id: 'user-1', name: 'Ann Client' },
      final: true,
      messages: [{ id: 'm-1', direction: 'in', sent_at: 1_767_000_000_000, message: { type: 'text', text: 'Hello' } }],
    });
    expect(imported.status).toBe(202);
    expect(await accept(messageBody({ id: 'm-1' }))).toEqual({ accepted: true, id: 'm-1', duplicate: true });
    expect(await h.jobs()).toHaveLength(1);
  });
});
