import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { relayJob } from '../../src/jobs/relay-jobs';
import { ensureConversation } from '../../src/store/conversations-repo';
import { findMessageByAmojoId, recordMessage } from '../../src/store/messages-repo';
import { type BridgeHarness, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness();
  const { conversation } = await ensureConversation(h.db, { linkId: h.a.id, conversationId: 'conv-1' }, h.clock.now);
  // A manager message the relay delivered; the messenger answered with its own id "tg-1".
  await recordMessage(
    h.db,
    {
      linkId: h.a.id,
      conversationRowId: conversation.id,
      direction: 'out',
      amojoMsgId: 'amojo-1',
      ourMsgid: bridgeMsgid(h.a.id, 'tg-1'),
    },
    h.clock.now,
  );
  await recordMessage(
    h.db,
    { linkId: h.a.id, conversationRowId: conversation.id, direction: 'out', amojoMsgId: 'amojo-2' },
    h.clock.now,
  );
});
afterEach(async () => {
  await h.close();
});

const receipt = (body: Record<string, unknown>, key?: string) => h.post('/bridge/v1/receipts', body, key);

async function statusJobs() {
  const jobs = await h.jobs('amojo.delivery_status');
  for (const job of jobs) expect(z.safeParse(relayJob, job.json).success).toBe(true);
  return jobs.map((j) => ({
    amojoMsgId: j.json.amojoMsgId,
    request: j.json.request as { msgid: string; delivery_status: number; error_code?: number; error?: string },
  }));
}

describe('POST /bridge/v1/receipts', () => {
  it('maps delivered to 1 and read to 2, by amojo id or the messenger id', async () => {
    expect(await (await receipt({ message: { message_id: 'amojo-1' }, status: 'delivered' })).json()).toEqual({
      accepted: true,
      id: 'amojo-1',
      duplicate: false,
    });
    expect((await receipt({ message: { id: 'tg-1' }, status: 'read' })).status).toBe(202);
    expect(await statusJobs()).toEqual([
      { amojoMsgId: 'amojo-1', request: { msgid: 'amojo-1', delivery_status: 1 } },
      { amojoMsgId: 'amojo-1', request: { msgid: 'amojo-1', delivery_status: 2 } },
    ]);
    expect((await findMessageByAmojoId(h.db, h.a.id, 'amojo-1'))?.status).toBe(2);
  });

  it('never downgrades: delivered after read, or failed after delivered, is accepted and ignored', async () => {
    await receipt({ message: { message_id: 'amojo-1' }, status: 'read' });
    expect(await (await receipt({ message: { message_id: 'amojo-1' }, status: 'delivered' })).json()).toEqual({
      accepted: true,
      id: 'amojo-1',
      duplicate: false,
      ignored: true,
    });
    await receipt({ message: { message_id: 'amojo-2' }, status: 'delivered' });
    const failed = await receipt({ message: { message_id: 'amojo-2' }, status: 'failed', reason: 'internal_error' });
    expect(await failed.json()).toMatchObject({ ignored: true });
    expect((await statusJobs()).map((j) => j.request.delivery_status)).toEqual([2, 1]);
    expect((await findMessageByAmojoId(h.db, h.a.id, 'amojo-1'))?.status).toBe(2);
  });

  it('answers a repeated receipt as a duplicate', async () => {
    await receipt({ message: { message_id: 'amojo-1' }, status: 'read' });
    expect(await (await receipt({ message: { message_id: 'amojo-1' }, status: 'read' })).json()).toMatchObject({
      duplicate: true,
    });
    expect(await statusJobs()).toHaveLength(1);
  });

  it.each([
    ['conversation_deleted', 901],
    ['integration_disabled', 902],
    ['internal_error', 903],
    ['recipient_unreachable', 904],
  ] as const)('maps failed/%s to -1 with %i and a default text', async (reason, code) => {
    await receipt({ message: { message_id: 'amojo-1' }, status: 'failed', reason });
    const [job] = await statusJobs();
    expect(job?.request).toMatchObject({ msgid: 'amojo-1', delivery_status: -1, error_code: code });
    expect(job?.request.error?.length).toBeGreaterThan(10);
  });

  it('maps failed/other to 905 with the text, cut to 200 characters', async () => {
    await receipt({
      message: { message_id: 'amojo-1' },
      status: 'failed',
      reason: 'other',
      text: `${'é'.repeat(250)}`,
    });
    const [job] = await statusJobs();
    expect(job?.request).toMatchObject({ delivery_status: -1, error_code: 905 });
    const text = job?.request.error ?? '';
    expect([...text]).toHaveLength(200);
    expect(text.endsWith('…')).toBe(true);
  });

  it('400s a failure without a reason, other without text, and a reason on success', async () => {
    const paths = async (body: Record<string, unknown>) => {
      const res = await receipt(body);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    };
    expect(await paths({ message: { message_id: 'amojo-1' }, status: 'failed' })).toEqual(['reason']);
    expect(await paths({ message: { message_id: 'amojo-1' }, status: 'failed', reason: 'other' })).toEqual(['text']);
    expect(await paths({ message: { message_id: 'amojo-1' }, status: 'read', reason: 'other' })).toEqual(['reason']);
    expect(await paths({ message: { id: 'x', message_id: 'amojo-1' }, status: 'read' })).toEqual(['message.id']);
  });

  it('404 for a client message, an unknown id, or another link', async () => {
    expect(
      (
        await h.post('/bridge/v1/messages', {
          id: 'in-1',
          conversation: { id: 'conv-1' },
          sender: { id: 'u', name: 'U' },
          message: { type: 'text', text: 'x' },
        })
      ).status,
    ).toBe(202);
    expect((await receipt({ message: { id: 'in-1' }, status: 'read' })).status).toBe(404);
    expect((await receipt({ message: { message_id: 'nope' }, status: 'read' })).status).toBe(404);
    expect((await receipt({ message: { message_id: 'amojo-1' }, status: 'read' }, h.b.apiKey)).status).toBe(404);
    expect(await statusJobs()).toHaveLength(0);
  });
});
