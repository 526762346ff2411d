import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAmojoClient } from '../../src/amojo/create-amojo-client';
import { DELIVERY_HELD } from '../../src/relay/create-delivery-breaker';
import { HOLD_BUDGET_MS } from '../../src/relay/run-claimed-job';
import { sealLinkSecrets } from '../../src/server/routes/widget-link/link-secrets';
import { linkStatusOf } from '../../src/server/routes/widget-link/link-status-of';
import { findDeliveryBreaker, findDeliveryBreakerOfAccount } from '../../src/store/delivery-breaker-repo';
import type { Link } from '../../src/store/links-repo';
import { requeueDeadLetters } from '../../src/store/outbox-repo';
import { createSecretBox } from '../../src/store/secret-box';
import { seedLink } from '../store/helpers/seed-link';
import { type FakeMessenger, startFakeMessenger } from './helpers/fake-messenger';
import { CHANNEL_ID, CHANNEL_SECRET, enqueueClientMessage, MESSENGER_SECRET, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const OPEN_MS = 60_000;
const PROBE_MS = 30_000;
const OTHER_AMOJO_ID = 'b8e1d1ef-2222-4333-8444-a55566667777';

// A messenger down for a while: its link's breaker opens after 5 straight failures, its deliveries wait without a
// worker and without spending their attempts, other links go on, and once it answers the backlog arrives once, in
// order. The relay's clock is moved by hand (the signatures' 5 minutes of tolerance allow it), so no test waits for
// a breaker's real wait.
describe('relay: the delivery breaker of a failing messenger webhook', () => {
  let h: RelayHarness;
  let offset = 0;
  const now = () => Date.now() + offset;
  const extra: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    offset = 0;
    h = await startRelayHarness({
      worker: {
        now,
        // A budget far beyond the threshold: a job that dies here died of its own failures, not of the waiting.
        retry: { maxAttempts: 30, baseDelayMs: 20, maxDelayMs: 80 },
        deliveryBreaker: { threshold: 5, openMs: OPEN_MS, maxOpenMs: 10 * OPEN_MS, probeMs: PROBE_MS },
      },
    });
  });
  afterEach(async () => {
    await h.close();
    for (const item of extra.splice(0)) await item.close();
  });

  const statusAtAmojo = (id: string) => h.emulator.getMessage(id)?.deliveryStatus?.status;
  const deliverJobs = async (linkId: string) =>
    (await h.jobs()).filter((job) => job.kind === 'bridge.deliver' && job.linkId === linkId);
  const breaker = () => findDeliveryBreaker(h.db, h.link.id);
  /** Waits for the breaker to reach `openings` openings, and returns it. */
  const breakerOpened = async (openings: number) => {
    await waitFor(`the breaker opened ${openings} times`, async () => (await breaker())?.openings === openings);
    const row = await breaker();
    if (row?.openUntil == null) throw new Error('breaker not open');
    return { ...row, openUntil: row.openUntil };
  };
  const metric = async (name: string) => {
    const line = (await h.metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };
  const texts = (messenger: FakeMessenger, conversationId: string) =>
    messenger
      .accepted()
      .flatMap((e) => (e.type === 'message' && e.conversation.id === conversationId ? [e.message.text] : []));

  /** A chat the client opened on `link`, so managers can answer in it. */
  async function openChat(link: Link, conversationId: string) {
    const input = { messengerId: `c-${conversationId}`, conversationId, clientId: `client-${conversationId}` };
    const { msgid } = await enqueueClientMessage(h.db, link.id, input);
    h.worker.notify();
    const scopeId = link.scopeId ?? '';
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(scopeId, msgid));
    const chat = h.emulator.listChats(scopeId).find((c) => c.conversationId === conversationId);
    if (!chat) throw new Error(`no chat for ${conversationId}`);
    return chat.id;
  }

  /** A manager message in a chat, and the delivery job its hook queued. */
  async function managerMessage(chatId: string, text: string) {
    const known = new Set((await h.jobs()).map((job) => job.id));
    const sent = await h.emulator.sendMessage({ chatId, message: { type: 'text', text } });
    expect(sent.hook.state).toBe('delivered');
    const job = (await h.jobs()).find((j) => j.kind === 'bridge.deliver' && !known.has(j.id));
    if (!job) throw new Error(`no delivery job for ${text}`);
    h.worker.notify();
    return { amojoMsgId: sent.message.id, jobId: job.id };
  }

  async function secondLink() {
    const messenger = await startFakeMessenger(MESSENGER_SECRET);
    extra.push(messenger);
    const client = createAmojoClient({ channelId: CHANNEL_ID, secret: CHANNEL_SECRET, baseUrl: h.emulator.url });
    const connected = await client.connect({ account_id: OTHER_AMOJO_ID, title: 'Other', hook_api_version: 'v2' });
    const link = await seedLink(h.db, {
      amojoId: OTHER_AMOJO_ID,
      scopeId: connected.scope_id,
      webhookUrl: messenger.url,
    });
    return { link, messenger };
  }

  /** Every pending delivery of the link held by its breaker until `until` (and none leased, none dead). */
  async function allHeldUntil(until: number, jobIds: number[]) {
    const jobs = (await deliverJobs(h.link.id)).filter((job) => jobIds.includes(job.id));
    return jobs.every(
      (job) => job.status === 'pending' && job.lastError === DELIVERY_HELD && job.availableAt === until,
    );
  }

  async function status() {
    const box = createSecretBox(Buffer.alloc(32, 1).toString('base64'));
    const signingSecretEnc = sealLinkSecrets(box, h.link.accountId, { signingSecret: 's', apiKeyHint: 'hint' });
    const link = { ...h.link, signingSecretEnc };
    const view = { installation: { state: 'active' as const }, viewer: { user_id: 1, is_admin: false } };
    const breakerRow = await findDeliveryBreakerOfAccount(h.db, h.link.accountId);
    const shown = linkStatusOf(box, link, { accountId: link.accountId, subdomain: link.subdomain }, view, breakerRow);
    return shown.state === 'linked' ? shown.delivery : undefined;
  }

  it('opens after 5 failures, holds the link’s deliveries without workers, probes, and delivers the backlog once, in order', async () => {
    const chat1 = await openChat(h.link, 'conv-1');
    const chat2 = await openChat(h.link, 'conv-2');
    const other = await secondLink();
    const otherChat = await openChat(other.link, 'conv-b');
    expect(await status()).toBeUndefined();

    // The messenger goes down: one message fails until the breaker opens.
    h.messenger.state.mode = { kind: 'status', status: 503 };
    const m1 = await managerMessage(chat1, 'm1');
    const opened = await breakerOpened(1);
    expect(opened).toMatchObject({ failures: 5, openings: 1, webhookUrl: h.messenger.url });
    const firstOpenUntil = opened.openUntil;
    await waitFor('m1 held', () => allHeldUntil(firstOpenUntil, [m1.jobId]));
    expect(h.messenger.received.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);

    // More messages while it is open, in both chats; another link's message meanwhile.
    const m2 = await managerMessage(chat1, 'm2');
    const m3 = await managerMessage(chat2, 'm3');
    const m4 = await managerMessage(chat1, 'm4');
    const b1 = await managerMessage(otherChat, 'b1');
    await waitFor('the other link’s message delivered', () => statusAtAmojo(b1.amojoMsgId) === 1);
    expect(texts(other.messenger, 'conv-b')).toEqual(['b1']);
    await waitFor('m3, the head of its chat, held too', () => allHeldUntil(firstOpenUntil, [m1.jobId, m3.jobId]));
    await waitFor('nothing in flight', async () => h.worker.inFlight() === 0);
    expect(h.messenger.received).toHaveLength(5);
    const held = await deliverJobs(h.link.id);
    // No job of the link holds a worker or a lease, none is dead, and waiting spent no attempt.
    expect(held.filter((job) => job.status !== 'pending')).toEqual([]);
    expect(Object.fromEntries(held.map((job) => [job.id, job.attempts]))).toEqual({
      [m1.jobId]: 5,
      [m2.jobId]: 0,
      [m3.jobId]: 0,
      [m4.jobId]: 0,
    });
    expect(await metric('relay_delivery_breakers_open')).toBe(1);
    expect(await metric('relay_delivery_breaker_openings_total')).toBe(1);
    expect(await status()).toEqual({
      state: 'failing',
      since: new Date(opened.failingSince).toISOString(),
      failures: 5,
    });

    // The wait is over: one delivery probes, fails, and the breaker opens again for twice as long.
    offset += firstOpenUntil - now() + 1;
    h.worker.notify();
    const reopened = await breakerOpened(2);
    expect(h.messenger.received).toHaveLength(6);
    const probedAt = reopened.openUntil - 2 * OPEN_MS;
    expect(probedAt).toBeGreaterThanOrEqual(firstOpenUntil);
    // The other head waited for the probe; once the probe's time is up it sees the breaker open again and waits more.
    offset += firstOpenUntil + PROBE_MS - now() + 1;
    h.worker.notify();
    const secondOpenUntil = reopened.openUntil;
    await waitFor('both heads held again', () => allHeldUntil(secondOpenUntil, [m1.jobId, m3.jobId]));
    expect(h.messenger.received).toHaveLength(6);
    expect(await metric('relay_delivery_breaker_openings_total')).toBe(1);
    expect(await status()).toMatchObject({ state: 'failing', failures: 6 });
    expect((await deliverJobs(h.link.id)).filter((job) => job.status === 'dead')).toEqual([]);

    // The messenger is back: the next probe succeeds, the breaker closes and the backlog flows.
    h.messenger.state.mode = { kind: 'ok' };
    offset += secondOpenUntil - now() + 1;
    h.worker.notify();
    for (const m of [m1, m2, m3, m4]) {
      await waitFor('delivered at amojo', () => statusAtAmojo(m.amojoMsgId) === 1);
    }
    await waitFor('all jobs done', () => h.settled());
    expect(texts(h.messenger, 'conv-1')).toEqual(['m1', 'm2', 'm4']);
    expect(texts(h.messenger, 'conv-2')).toEqual(['m3']);
    // Exactly once: four answers of 200, one per event.
    expect(h.messenger.received.filter((r) => r.status === 200)).toHaveLength(4);
    expect(await breaker()).toBeUndefined();
    expect(await metric('relay_delivery_breakers_open')).toBe(0);
    expect(await status()).toBeUndefined();
    expect((await h.jobs()).filter((job) => job.status === 'dead')).toEqual([]);
  }, 30_000);

  it('forgets the breaker of a webhook URL the link no longer has, and sends what it held to the new one', async () => {
    const chat1 = await openChat(h.link, 'conv-1');
    const chat2 = await openChat(h.link, 'conv-2');
    h.messenger.state.mode = { kind: 'down' };
    const m1 = await managerMessage(chat1, 'm1');
    const opened = await breakerOpened(1);
    await waitFor('m1 held', () => allHeldUntil(opened.openUntil, [m1.jobId]));
    expect(await status()).toMatchObject({ state: 'failing' });

    // The admin saves another URL; the relay's copy of the link catches up within its cache time.
    const moved = await startFakeMessenger(MESSENGER_SECRET);
    extra.push(moved);
    await h.db
      .updateTable('links')
      .set({ webhookUrl: moved.url, updatedAt: now() + 1 })
      .where('id', '=', h.link.id)
      .execute();
    h.link = { ...h.link, webhookUrl: moved.url };
    expect(await status()).toBeUndefined();
    offset += 3000;

    // The next delivery of the link goes to the new URL at once, and the one the old URL's breaker held follows.
    const m2 = await managerMessage(chat2, 'm2');
    for (const m of [m2, m1]) await waitFor('delivered at amojo', () => statusAtAmojo(m.amojoMsgId) === 1);
    expect(texts(moved, 'conv-1')).toEqual(['m1']);
    expect(texts(moved, 'conv-2')).toEqual(['m2']);
    expect(h.messenger.state.arrived).toBe(5);
    expect(await breaker()).toBeUndefined();
    expect((await h.jobs()).filter((job) => job.status === 'dead')).toEqual([]);
  }, 30_000);

  it('dead-letters a held delivery past the hold budget with -1/903, and a replay delivers it', async () => {
    const chat1 = await openChat(h.link, 'conv-1');
    const chat2 = await openChat(h.link, 'conv-2');
    h.messenger.state.mode = { kind: 'status', status: 503 };
    const m1 = await managerMessage(chat1, 'm1');
    const opened = await breakerOpened(1);
    const m3 = await managerMessage(chat2, 'm3');
    await waitFor('both heads held', () => allHeldUntil(opened.openUntil, [m1.jobId, m3.jobId]));

    // The breaker stays open longer than the budget (its waits reach 10 min); the jobs are past their budget when
    // they come up again, so they end instead of being held once more.
    const far = now() + 10 * HOLD_BUDGET_MS;
    await h.db.updateTable('deliveryBreakers').set({ openUntil: far }).where('linkId', '=', h.link.id).execute();
    offset += HOLD_BUDGET_MS + 1000;
    await h.db.updateTable('outbox').set({ availableAt: 0 }).where('id', 'in', [m1.jobId, m3.jobId]).execute();
    h.worker.notify();
    await waitFor('both dead', async () =>
      (await deliverJobs(h.link.id)).every((job) => job.status === 'dead' && job.lastError === DELIVERY_HELD),
    );
    const since = new Date(opened.failingSince).toISOString();
    for (const m of [m1, m3]) {
      await waitFor('-1 at amojo', () => statusAtAmojo(m.amojoMsgId) === -1);
      expect(h.emulator.getMessage(m.amojoMsgId)?.deliveryStatus).toMatchObject({
        errorCode: 903,
        error: `The messenger’s webhook has been failing since ${since}, so the channel stopped waiting to deliver this message.`,
      });
    }
    expect(h.messenger.received).toHaveLength(5);

    // Nothing lost: once the messenger is back, a replay sends both.
    h.messenger.state.mode = { kind: 'ok' };
    await h.db.updateTable('deliveryBreakers').set({ openUntil: 0 }).where('linkId', '=', h.link.id).execute();
    expect(await requeueDeadLetters(h.db, {}, 0)).toBe(2);
    h.worker.notify();
    await waitFor(
      'both delivered',
      () => texts(h.messenger, 'conv-1').length + texts(h.messenger, 'conv-2').length === 2,
    );
    expect(texts(h.messenger, 'conv-1')).toEqual(['m1']);
    expect(texts(h.messenger, 'conv-2')).toEqual(['m3']);
  }, 30_000);
});
