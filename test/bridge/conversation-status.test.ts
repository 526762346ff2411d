import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationOrderingKey } from '../../src/jobs/ordering-keys';
import {
  bindConversation,
  ensureConversationByAmojoChat,
  findConversation,
  setConversationContact,
} from '../../src/store/conversations-repo';
import type { ContactState } from '../../src/store/schema';
import { type BridgeHarness, messageBody, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness();
});
afterEach(async () => {
  await h.close();
});

async function status(id: string, key?: string) {
  const res = await h.get(`/bridge/v1/conversations/${encodeURIComponent(id)}`, key);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /bridge/v1/conversations/{id}', () => {
  it('reports a new conversation with no chat yet and no hint', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    expect(await status('conv-1')).toEqual({
      status: 200,
      body: { id: 'conv-1', link_id: h.a.id, amojo_chat_id: null, contact: { state: 'none' } },
    });
  });

  it.each<[ContactState, number | null, Record<string, unknown>]>([
    ['pending', null, { state: 'pending' }],
    ['bound', 20450813, { state: 'bound', id: 20450813 }],
    ['not_found', null, { state: 'not_found' }],
    ['ambiguous', null, { state: 'ambiguous' }],
    ['failed', null, { state: 'failed' }],
    ['crm', null, { state: 'crm' }],
  ])('reports the contact state %s', async (state, contactId, contact) => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const row = await findConversation(h.db, h.a.id, 'conv-1');
    await bindConversation(h.db, row?.id ?? '', { amojoChatId: 'chat-uuid-1' }, h.clock.now);
    await setConversationContact(h.db, row?.id ?? '', { contactId, state }, h.clock.now);
    expect(await status('conv-1')).toEqual({
      status: 200,
      body: { id: 'conv-1', link_id: h.a.id, amojo_chat_id: 'chat-uuid-1', contact },
    });
  });

  it('is 404 for an id never posted and for another link’s conversation; 400 for a bad id', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    expect(await status('conv-unknown')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await status('conv-1', h.b.apiKey)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await status('x'.repeat(256))).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const res = await h.post('/bridge/v1/conversations/conv-1', {});
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('needs the API key', async () => {
    const res = await h.app.request('/bridge/v1/conversations/conv-1');
    expect(res.status).toBe(401);
  });

  it('answers over node:http', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/bridge/v1/conversations/conv-1`, {
        headers: { authorization: `Bearer ${h.a.apiKey}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: 'conv-1', contact: { state: 'none' } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('contact hints on the way in', () => {
  const hinted = (id: string, contact: unknown) => messageBody({ id, contact });

  it('keeps the first hint of a conversation and ignores later ones', async () => {
    expect((await h.post('/bridge/v1/messages', hinted('m-1', { id: 7 }))).status).toBe(202);
    expect((await h.post('/bridge/v1/messages', hinted('m-2', { id: 8 }))).status).toBe(202);
    const row = await findConversation(h.db, h.a.id, 'conv-1');
    expect(row).toMatchObject({ contactHint: '{"id":7}', contactState: 'pending', contactId: null });
  });

  it('queues the binding of a conversation the hint starts ahead of its first message, on its key', async () => {
    expect((await h.post('/bridge/v1/messages', hinted('m-1', { id: 7 }))).status).toBe(202);
    expect((await h.post('/bridge/v1/messages', hinted('m-2', { id: 8 }))).status).toBe(202);
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.kind)).toEqual(['amocrm.bind_contact', 'amojo.new_message', 'amojo.new_message']);
    // One key: the claim runs a key's jobs one at a time, oldest first, so both messages wait for the binding.
    const row = await findConversation(h.db, h.a.id, 'conv-1');
    expect(new Set(jobs.map((j) => j.orderingKey))).toEqual(new Set([conversationOrderingKey(h.a.id, row?.id ?? '')]));
    // The job opens the amojo chat as the message would: the message's conversation, source and sender.
    expect(jobs[0]?.json).toMatchObject({
      kind: 'amocrm.bind_contact',
      linkId: h.a.id,
      conversationRowId: row?.id,
      chat: { conversation_id: 'conv-1', source: { external_id: h.a.id }, user: { id: 'user-1', name: 'Ann Client' } },
    });
  });

  it('keeps a hint that arrives after hintless messages, for the relay to bind after the next message', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody({ id: 'm-1' }))).status).toBe(202);
    const contact = { email: 'Ann@Example.com', match: 'existing' };
    expect((await h.post('/bridge/v1/messages', hinted('m-2', contact))).status).toBe(202);
    const row = await findConversation(h.db, h.a.id, 'conv-1');
    expect(row).toMatchObject({ contactHint: JSON.stringify(contact), contactState: null });
    expect((await h.jobs()).map((j) => j.kind)).toEqual(['amojo.new_message', 'amojo.new_message']);
  });

  it('refuses a bad hint with a 400 naming it, storing nothing', async () => {
    const res = await h.post('/bridge/v1/messages', hinted('m-1', { phone: '12', match: 'existing' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain('contact.phone');
    expect(await findConversation(h.db, h.a.id, 'conv-1')).toBeUndefined();
  });

  it('gives a write-first chat no hint: the manager started it on a contact', async () => {
    await ensureConversationByAmojoChat(
      h.db,
      { linkId: h.a.id, amojoChatId: 'chat-wf', refPending: true, phone: '+79161234567' },
      h.clock.now,
    );
    const body = messageBody({ conversation: { id: 'conv-wf', phone: '+79161234567' }, contact: { id: 9 } });
    expect((await h.post('/bridge/v1/messages', body)).status).toBe(202);
    const row = await findConversation(h.db, h.a.id, 'conv-wf');
    expect(row).toMatchObject({ amojoChatId: 'chat-wf', refPending: 1, contactHint: null, contactState: null });
  });
});
