import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/store/outbox-repo';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const DEADLINE_TEXT = 'Delivering the message took too long on every attempt, so the channel gave up on it.';
const EXHAUSTED_TEXT = 'The channel failed while delivering this message, on every attempt.';

/**
 * The relay end to end (store, amojo emulator, fake messenger) with requests the test chooses held open until
 * their signal aborts them: only the job's deadline, passed down to the call, can end them. Nothing is timed.
 */
async function startHolding(deadlineOf: (job: OutboxJob) => number, options: { deferStart?: boolean } = {}) {
  const held = { match: (_url: string) => false, aborted: [] as { url: string; reason: unknown }[] };
  const holdingFetch: typeof fetch = (input, init) => {
    const url = String(input);
    if (!held.match(url)) return fetch(input, init);
    return new Promise((_, reject) => {
      const signal = init?.signal;
      signal?.addEventListener('abort', () => {
        held.aborted.push({ url, reason: signal.reason });
        reject(signal.reason);
      });
    });
  };
  const h = await startRelayHarness({
    worker: {
      fetch: holdingFetch,
      jobDeadlineMs: deadlineOf,
      // Far beyond the deadline: a call ended by its own timeout would prove nothing here.
      deliveryTimeoutMs: 60_000,
      amojoTimeoutMs: 60_000,
      retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 40 },
    },
    ...options,
  });
  return { h, held };
}

async function deliveryJob(h: RelayHarness) {
  const job = await waitFor('the delivery job', async () => (await h.jobs()).find((j) => j.kind === 'bridge.deliver'));
  if (!job) throw new Error('no delivery job');
  return job;
}

describe('relay: the per-attempt deadline and dead letters that never ran', () => {
  let h: RelayHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('aborts a delivery the messenger holds at the deadline, and at the last attempt tells amojo -1/903', async () => {
    const started = await startHolding((job) => (job.kind === 'bridge.deliver' ? 200 : 60_000));
    h = started.h;
    const { held } = started;
    const messengerUrl = h.messenger.url;
    held.match = (url) => url.startsWith(messengerUrl);
    const sent = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990000001',
      message: { type: 'text', text: 'Hello?' },
    });
    const amojoMsgId = sent.message.id;
    const status = () => h?.emulator.getMessage(amojoMsgId)?.deliveryStatus;
    await waitFor('-1 at amojo', () => status()?.status === -1);
    expect(status()).toMatchObject({ errorCode: 903, error: DEADLINE_TEXT });
    expect(await deliveryJob(h)).toMatchObject({ status: 'dead', attempts: 2, lastError: 'job_deadline' });
    // Both attempts reached the messenger and were cut off by the deadline, not left hanging.
    expect(held.aborted).toHaveLength(2);
    expect(held.aborted.map((a) => (a.reason as { code?: string }).code)).toEqual(['job_deadline', 'job_deadline']);
    const row = await h.db.selectFrom('messages').selectAll().where('amojoMsgId', '=', amojoMsgId).executeTakeFirst();
    expect(row?.direction).toBe('out');
  });

  it('aborts an amojo call at the deadline and sends the message on the next attempt', async () => {
    const started = await startHolding((job) => (job.kind === 'amojo.new_message' ? 200 : 60_000));
    h = started.h;
    const { held } = started;
    const scopePath = `/v2/origin/custom/${h.scopeId}`;
    let holds = 1;
    held.match = (url) => new URL(url).pathname === scopePath && holds-- > 0;
    const { msgid } = await h.clientMessage({ messengerId: 'c-1', conversationId: 'conv-1', clientId: 'client-1' });
    await waitFor('the message at amojo', () => h?.emulator.findMessageByMsgid(h.scopeId, msgid));
    await waitFor('all jobs done', () => h?.settled());
    const job = (await h.jobs()).find((j) => j.kind === 'amojo.new_message');
    expect(job).toMatchObject({ status: 'done', attempts: 2, lastError: 'job_deadline' });
    expect(held.aborted.map((a) => new URL(a.url).pathname)).toEqual([scopePath]);
  });

  it('tells amojo -1/903 for a manager message dead-lettered as attempts_exhausted, without delivering it', async () => {
    const started = await startHolding(() => 60_000, { deferStart: true });
    h = started.h;
    const sent = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990000002',
      message: { type: 'text', text: 'Are you there?' },
    });
    await h.emulator.hooksSettled();
    // Its last attempt claimed and never reported: the worker died on it each time.
    const job = await deliveryJob(h);
    await h.db.updateTable('outbox').set({ attempts: 2 }).where('id', '=', job.id).execute();
    h.start();
    const status = () => h?.emulator.getMessage(sent.message.id)?.deliveryStatus;
    await waitFor('-1 at amojo', () => status()?.status === -1);
    expect(status()).toMatchObject({ errorCode: 903, error: EXHAUSTED_TEXT });
    expect((await h.jobs()).find((j) => j.id === job.id)).toMatchObject({
      status: 'dead',
      lastError: 'attempts_exhausted',
    });
    expect(h.messenger.received).toEqual([]);
  });
});
