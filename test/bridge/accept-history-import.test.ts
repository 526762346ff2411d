import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { relayJob } from '../../src/jobs/relay-jobs';
import { findConversation } from '../../src/store/conversations-repo';
import { findMessageByOurId } from '../../src/store/messages-repo';
import { claimDue, complete } from '../../src/store/outbox-repo';
import { type BridgeHarness, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness();
});
afterEach(async () => {
  await h.close();
});

const T0 = 1_766_000_000_000;
const item = (id: string, minute: number, extra: Record<string, unknown> = {}) => ({
  id,
  direction: 'in',
  sent_at: T0 + minute * 60_000,
  message: { type: 'text', text: `text ${id}` },
  ...extra,
});
const batch = (messages: unknown[], final: boolean, importId = 'imp-1') => ({
  import_id: importId,
  conversation: { id: 'conv-1' },
  client: { id: 'user-1', name: 'Ann', phone: '+79990001122' },
  final,
  messages,
});

type Payload = Record<string, unknown> & { msgid: string; silent: boolean };
async function payloads(): Promise<Payload[]> {
  const jobs = await h.jobs('amojo.new_message');
  for (const job of jobs) expect(z.safeParse(relayJob, job.json).success).toBe(true);
  return jobs.map((j) => (j.json as { request: { payload: Payload } }).request.payload);
}

describe('POST /bridge/v1/history-imports', () => {
  it('queues the batch in order, silent on all but the newest of the final batch', async () => {
    const first = await h.post('/bridge/v1/history-imports', batch([item('h1', 0), item('h2', 1)], false));
    expect(await first.json()).toEqual({ accepted: true, id: 'imp-1', duplicate: false, queued: 2 });
    await h.post('/bridge/v1/history-imports', batch([item('h3', 2), item('h4', 3)], true));
    const all = await payloads();
    expect(all.map((p) => [p.msgid, p.silent])).toEqual([
      [bridgeMsgid(h.a.id, 'h1'), true],
      [bridgeMsgid(h.a.id, 'h2'), true],
      [bridgeMsgid(h.a.id, 'h3'), true],
      [bridgeMsgid(h.a.id, 'h4'), false],
    ]);
    expect(all.map((p) => p.msec_timestamp)).toEqual([0, 1, 2, 3].map((m) => T0 + m * 60_000));
    const orderingKeys = new Set((await h.jobs()).map((j) => j.orderingKey));
    expect(orderingKeys.size).toBe(1);
    expect((await findConversation(h.db, h.a.id, 'conv-1'))?.lastInboundAt).toBe(T0 + 3 * 60_000);
  });

  it('imports outgoing messages from a manager (ref_id) or the bot, with the client as receiver', async () => {
    await h.post(
      '/bridge/v1/history-imports',
      batch(
        [
          item('h1', 0),
          item('h2', 1, { direction: 'out', author: { amojo_user_id: 'amojo-manager-1', name: 'Mary' } }),
          item('h3', 2, { direction: 'out' }),
        ],
        true,
      ),
    );
    const [inbound, manager, bot] = await payloads();
    expect(inbound?.sender).toEqual({ id: 'user-1', name: 'Ann', profile: { phone: '+79990001122' } });
    expect(inbound?.receiver).toBeUndefined();
    expect(manager?.sender).toEqual({ id: 'manager:amojo-manager-1', ref_id: 'amojo-manager-1', name: 'Mary' });
    expect(manager?.receiver).toEqual(inbound?.sender);
    expect(bot?.sender).toEqual({ id: 'bot:bot-amojo-id', ref_id: 'bot-amojo-id', name: 'Shop bot' });
    expect((await findMessageByOurId(h.db, h.a.id, bridgeMsgid(h.a.id, 'h2')))?.direction).toBe('out');
  });

  it('needs a manager id on outgoing messages when no bot is configured', async () => {
    const noBot = await startBridgeHarness({ bot: undefined });
    try {
      const res = await noBot.post(
        '/bridge/v1/history-imports',
        batch([item('h1', 0), item('h2', 1, { direction: 'out' })], true),
      );
      const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
      expect([res.status, body.error.code, body.error.issues.map((i) => i.path)]).toEqual([
        400,
        'invalid_request',
        ['messages.1.author.amojo_user_id'],
      ]);
      expect(await noBot.jobs()).toHaveLength(0);
    } finally {
      await noBot.close();
    }
  });

  it('is resumable: a resent batch is a no-op, a partly new one queues only the new messages', async () => {
    await h.post('/bridge/v1/history-imports', batch([item('h1', 0), item('h2', 1)], false));
    const again = await h.post('/bridge/v1/history-imports', batch([item('h1', 0), item('h2', 1)], false));
    expect(await again.json()).toEqual({ accepted: true, id: 'imp-1', duplicate: true, queued: 0 });
    const overlap = await h.post('/bridge/v1/history-imports', batch([item('h2', 1), item('h3', 2)], true));
    expect(await overlap.json()).toMatchObject({ duplicate: false, queued: 1 });
    expect((await payloads()).map((p) => p.silent)).toEqual([true, true, false]);
  });

  it('quotes earlier messages of the batch and stored ones', async () => {
    await h.post('/bridge/v1/history-imports', batch([item('h1', 0)], false));
    await h.post(
      '/bridge/v1/history-imports',
      batch(
        [
          item('h2', 1, { reply_to: { id: 'h1' } }),
          item('h3', 2, { reply_to: { id: 'h2' } }),
          item('h4', 3, { reply_to: { id: 'h9' } }),
        ],
        true,
      ),
    );
    const [, h2, h3, h4] = await payloads();
    expect(h2?.reply_to).toEqual({ message: { msgid: bridgeMsgid(h.a.id, 'h1') } });
    expect(h3?.reply_to).toEqual({ message: { msgid: bridgeMsgid(h.a.id, 'h2') } });
    expect(h4?.reply_to).toBeUndefined();
  });

  it('400s a batch out of chronological order, repeated ids, and more than 100 messages', async () => {
    const issues = async (body: unknown) => {
      const res = await h.post('/bridge/v1/history-imports', body);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    };
    expect(await issues(batch([item('h1', 5), item('h2', 1)], true))).toEqual(['messages.1.sent_at']);
    expect(await issues(batch([item('h1', 0), item('h1', 1)], true))).toEqual(['messages.1.id']);
    const many = Array.from({ length: 101 }, (_, i) => item(`h${i}`, i));
    expect(await issues(batch(many, true))).toEqual(['messages']);
    expect(await issues(batch([], true))).toEqual(['messages']);
    expect(await issues({ ...batch([item('h1', 0)], true), import_id: 'bad id!' })).toEqual(['import_id']);
    expect(await h.jobs()).toHaveLength(0);
  });

  it('reports progress for resuming: counts, last message, final', async () => {
    await h.post('/bridge/v1/history-imports', batch([item('h1', 0), item('h2', 1)], false));
    const before = await h.get('/bridge/v1/history-imports/imp-1');
    expect(await before.json()).toEqual({
      import_id: 'imp-1',
      conversation_id: 'conv-1',
      received: 2,
      sent: 0,
      pending: 2,
      failed: 0,
      last_message_id: 'h2',
      last_sent_at: new Date(T0 + 60_000).toISOString(),
      final_received: false,
      completed: false,
    });
    await h.post('/bridge/v1/history-imports', batch([item('h3', 2)], true));
    const claimed = await claimDue(h.db, { now: h.clock.now, limit: 10, leaseMs: 1000, workerId: 'w' });
    await complete(h.db, claimed, 'w', h.clock.now);
    expect(claimed).toHaveLength(1);
    const mid = (await (await h.get('/bridge/v1/history-imports/imp-1')).json()) as Record<string, unknown>;
    expect(mid).toMatchObject({
      received: 3,
      sent: 1,
      pending: 2,
      final_received: true,
      completed: false,
      last_message_id: 'h3',
    });
    expect((await h.get('/bridge/v1/history-imports/imp-2')).status).toBe(404);
  });

  it('does not let LIKE wildcards in an import id match other imports', async () => {
    await h.post('/bridge/v1/history-imports', batch([item('h1', 0)], true, 'abc'));
    expect((await h.get('/bridge/v1/history-imports/a_c')).status).toBe(404);
  });

  it('keeps a contact hint only with a batch that adds messages, never with a resent one', async () => {
    expect((await h.post('/bridge/v1/history-imports', batch([item('h1', 0)], false))).status).toBe(202);
    const hinted = (messages: unknown[]) => ({ ...batch(messages, false), contact: { id: 7 } });
    // Every message already stored: nothing reaches amojo, so nothing would ever bind the hint.
    const resent = await h.post('/bridge/v1/history-imports', hinted([item('h1', 0)]));
    expect(await resent.json()).toMatchObject({ duplicate: true, queued: 0 });
    expect(await findConversation(h.db, h.a.id, 'conv-1')).toMatchObject({ contactHint: null, contactState: null });
    expect(await h.jobs('amocrm.bind_contact')).toEqual([]);
    // A batch that adds one keeps it; the relay binds it once that message reaches amojo.
    const more = await h.post('/bridge/v1/history-imports', hinted([item('h1', 0), item('h2', 1)]));
    expect(await more.json()).toMatchObject({ duplicate: false, queued: 1 });
    expect(await findConversation(h.db, h.a.id, 'conv-1')).toMatchObject({
      contactHint: '{"id":7}',
      contactState: null,
    });
  });

  it('queues the binding of a conversation the import starts before its first message', async () => {
    const res = await h.post('/bridge/v1/history-imports', {
      ...batch([item('h1', 0), item('h2', 1)], true),
      contact: { id: 7 },
    });
    expect(res.status).toBe(202);
    expect(await findConversation(h.db, h.a.id, 'conv-1')).toMatchObject({
      contactHint: '{"id":7}',
      contactState: 'pending',
    });
    expect((await h.jobs()).map((j) => j.kind)).toEqual([
      'amocrm.bind_contact',
      'amojo.new_message',
      'amojo.new_message',
    ]);
  });
});
