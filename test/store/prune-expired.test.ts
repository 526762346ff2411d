import { expect, it } from 'vitest';
import { bridgeDeliverJob } from '../../src/jobs/bridge-deliver-job';
import { conversationOrderingKey, statusOrderingKey } from '../../src/jobs/ordering-keys';
import { bindConversation, ensureConversation, touchInbound } from '../../src/store/conversations-repo';
import { recordMessage } from '../../src/store/messages-repo';
import { enqueue } from '../../src/store/outbox-repo';
import { ensureParticipant } from '../../src/store/participants-repo';
import { pruneExpired } from '../../src/store/prune-expired';
import type { OutboxStatus } from '../../src/store/schema';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;
const BEFORE = NOW - 90 * DAY;
const OLD = NOW - 100 * DAY;
const RECENT = NOW - 10 * DAY;

describeEachDatabase('pruneExpired (RETENTION_DAYS)', (t) => {
  let serial = 0;
  /** A conversation with its participant and one message, all created at `at`. */
  async function conversation(linkId: string, at: number, given?: string) {
    serial += 1;
    const name = given ?? `c${serial}`;
    const { participant } = await ensureParticipant(t.db, { linkId, clientId: `client-${name}` }, at);
    const { conversation } = await ensureConversation(
      t.db,
      { linkId, conversationId: name, participantId: participant.id },
      at,
    );
    const { message } = await recordMessage(
      t.db,
      {
        linkId,
        conversationRowId: conversation.id,
        direction: 'in',
        ourMsgid: `msg-${name}`,
        amojoMsgId: `am-${name}`,
      },
      at,
    );
    return { participant, conversation, message };
  }

  async function job(linkId: string, key: string, orderingKey: string | null, status: OutboxStatus, updatedAt: number) {
    const { job } = await enqueue(
      t.db,
      { idempotencyKey: key, kind: 'amojo.typing', payload: '{}', linkId, orderingKey },
      updatedAt,
    );
    await t.db.updateTable('outbox').set({ status, updatedAt }).where('id', '=', job.id).execute();
    return job.id;
  }

  const ids = async (table: 'messages' | 'conversations' | 'participants') =>
    (await t.db.selectFrom(table).select('id').execute()).map((row) => row.id).sort();
  const jobIds = async () => (await t.db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id);

  it('forgets a conversation idle past the retention with its messages and participant, and keeps recent ones', async () => {
    const link = await seedLink(t.db);
    const idle = await conversation(link.id, OLD);
    const recent = await conversation(link.id, RECENT);
    expect(await pruneExpired(t.db, { before: BEFORE })).toEqual({
      deadJobs: 0,
      messages: 1,
      conversations: 1,
      participants: 1,
    });
    expect(await ids('conversations')).toEqual([recent.conversation.id]);
    expect(await ids('messages')).toEqual([recent.message.id]);
    expect(await ids('participants')).toEqual([recent.participant.id]);
    expect(idle.conversation.id).not.toBe(recent.conversation.id);
    expect(await pruneExpired(t.db, { before: BEFORE })).toEqual({
      deadJobs: 0,
      messages: 0,
      conversations: 0,
      participants: 0,
    });
  });

  it('measures a conversation by its last activity, not its creation: old messages go, the chat in use stays', async () => {
    const link = await seedLink(t.db);
    const { conversation: chat, message: oldMessage, participant } = await conversation(link.id, OLD);
    const { message: newMessage } = await recordMessage(
      t.db,
      { linkId: link.id, conversationRowId: chat.id, direction: 'out', amojoMsgId: 'am-new' },
      RECENT,
    );
    // Another chat, created long ago, whose client wrote recently (no message row left, say): still in use.
    const { conversation: touched } = await ensureConversation(
      t.db,
      { linkId: link.id, conversationId: 'touched' },
      OLD,
    );
    await touchInbound(t.db, touched.id, RECENT);
    // And one whose only recent change is a binding.
    const { conversation: bound } = await ensureConversation(t.db, { linkId: link.id, conversationId: 'bound' }, OLD);
    await bindConversation(t.db, bound.id, { amojoChatId: 'chat-bound' }, RECENT);

    expect(await pruneExpired(t.db, { before: BEFORE })).toMatchObject({ messages: 1, conversations: 0 });
    expect(await ids('messages')).toEqual([newMessage.id]);
    expect(oldMessage.id).not.toBe(newMessage.id);
    expect(await ids('conversations')).toEqual([chat.id, touched.id, bound.id].sort());
    expect(await ids('participants')).toEqual([participant.id]);
  });

  it('keeps everything of a conversation that a job not yet done still names, and frees it once the job is gone', async () => {
    const link = await seedLink(t.db);
    const byConversation = await conversation(link.id, OLD);
    const byStatus = await conversation(link.id, OLD);
    const byDelivery = await conversation(link.id, OLD, 'delivery');
    await bindConversation(t.db, byDelivery.conversation.id, { amojoChatId: 'chat-d' }, OLD);
    const free = await conversation(link.id, OLD);
    await job(link.id, 'k-conv', conversationOrderingKey(link.id, byConversation.conversation.id), 'pending', OLD);
    await job(link.id, 'k-status', statusOrderingKey(link.id, byStatus.message.amojoMsgId ?? ''), 'leased', OLD);
    // A dead job younger than the retention, waiting for a replay.
    const deadId = (await enqueue(t.db, bridgeDeliverJob(link.id, 'hook-1', 'chat-d'), OLD)).job.id;
    await t.db.updateTable('outbox').set({ status: 'dead', updatedAt: RECENT }).where('id', '=', deadId).execute();

    const pruned = await pruneExpired(t.db, { before: BEFORE });
    expect(pruned).toMatchObject({ deadJobs: 0, conversations: 1, participants: 1 });
    expect(await ids('conversations')).toEqual(
      [byConversation, byStatus, byDelivery].map((c) => c.conversation.id).sort(),
    );
    expect(await ids('messages')).toEqual([byConversation, byStatus, byDelivery].map((c) => c.message.id).sort());
    expect(await ids('participants')).not.toContain(free.participant.id);

    // Once the jobs are gone (done, or dead past the retention), nothing holds the rows back.
    await t.db.updateTable('outbox').set({ status: 'done' }).where('status', '<>', 'dead').execute();
    await t.db.updateTable('outbox').set({ updatedAt: OLD }).where('id', '=', deadId).execute();
    expect(await pruneExpired(t.db, { before: BEFORE })).toEqual({
      deadJobs: 1,
      messages: 3,
      conversations: 3,
      participants: 3,
    });
    expect(await ids('conversations')).toEqual([]);
  });

  it('deletes dead jobs past the retention in small batches, and no live or recent job', async () => {
    const link = await seedLink(t.db);
    for (let i = 0; i < 7; i += 1) await job(link.id, `dead-old-${i}`, null, 'dead', OLD + i);
    const kept = [
      await job(link.id, 'dead-recent', null, 'dead', RECENT),
      await job(link.id, 'pending-old', null, 'pending', OLD),
      await job(link.id, 'leased-old', null, 'leased', OLD),
    ];
    expect(await pruneExpired(t.db, { before: BEFORE, batchSize: 3 })).toMatchObject({ deadJobs: 7 });
    expect(await jobIds()).toEqual(kept);
  });

  it('walks past held rows without looping when a whole page is held', async () => {
    const link = await seedLink(t.db);
    const held = [];
    for (let i = 0; i < 5; i += 1) held.push(await conversation(link.id, OLD + i));
    for (const c of held) {
      await job(link.id, `k-${c.conversation.id}`, conversationOrderingKey(link.id, c.conversation.id), 'pending', OLD);
    }
    const free = await conversation(link.id, OLD + 10);
    expect(await pruneExpired(t.db, { before: BEFORE, batchSize: 2 })).toMatchObject({
      messages: 1,
      conversations: 1,
    });
    expect(await ids('conversations')).not.toContain(free.conversation.id);
    expect(await ids('conversations')).toHaveLength(5);
  });
});
