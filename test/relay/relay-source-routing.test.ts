import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkCache } from '../../src/relay/create-link-cache';
import { handleBridgeDeliver } from '../../src/relay/handle-bridge-deliver';
import type { RelayDeps } from '../../src/relay/relay-deps';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { insertInboxEvent } from '../../src/store/inbox-repo';
import { createLink, type Link, unlinkLinkById } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { linkInput, seedLink } from '../store/helpers/seed-link';
import { type FakeMessenger, startFakeMessenger } from './helpers/fake-messenger';
import { enqueueClientMessage, MESSENGER_SECRET, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

interface SentPayload {
  event_type?: string;
  payload?: { msgid?: string; conversation_id?: string; source?: { external_id: string } };
}

/** The texts of the manager messages a messenger accepted, in order. */
const texts = (m: FakeMessenger) =>
  m.accepted().flatMap((e) => {
    const message = e.type === 'message' ? (e.message as { type?: string; text?: string }) : undefined;
    return message?.type === 'text' && message.text !== undefined ? [message.text] : [];
  });

// Two numbers of one account share its amojo scope; each number's chats and hooks stay with its own messenger.
describe('relay: routing between the links of one account', () => {
  let h: RelayHarness;
  let second: FakeMessenger;
  let linkB: Link;

  beforeEach(async () => {
    h = await startRelayHarness({
      answer: (event) =>
        event.type === 'conversation.started'
          ? { message_id: `msgr-${event.id}`, conversation_id: 'wf-b', recipient_id: 'wf-client' }
          : { message_id: `msgr-${event.id}` },
    });
    second = await startFakeMessenger(MESSENGER_SECRET, (event) =>
      event.type === 'conversation.started'
        ? { message_id: `msgr-${event.id}`, conversation_id: 'wf-b', recipient_id: 'wf-client' }
        : { message_id: `msgr-${event.id}` },
    );
    const { link } = h;
    const created = await createLink(
      h.db,
      {
        ...linkInput(),
        accountId: link.accountId,
        subdomain: link.subdomain,
        region: link.region,
        amojoId: link.amojoId,
        scopeId: link.scopeId,
        title: 'Support number',
        webhookUrl: second.url,
        pipelineId: null,
      },
      Date.now(),
    );
    if (!created.ok) throw new Error(`second link refused: ${created.reason}`);
    linkB = created.link;
  });
  afterEach(async () => {
    await h.close();
    await second.close();
  });

  async function clientMessage(linkId: string, conversationId: string, edit?: (r: SentPayload) => void) {
    const sent = await enqueueClientMessage(h.db, linkId, {
      messengerId: `in-${conversationId}`,
      conversationId,
      clientId: `client-${conversationId}`,
      ...(edit ? { edit: (request) => edit(request as SentPayload) } : {}),
    });
    h.worker.notify();
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, sent.msgid));
    const chat = h.emulator.listChats(h.scopeId).find((c) => c.conversationId === conversationId);
    if (!chat) throw new Error(`no chat for ${conversationId}`);
    return chat.id;
  }

  async function managerWrites(chatId: string, text: string) {
    const sent = await h.emulator.sendMessage({ chatId, message: { type: 'text', text } });
    await waitFor(`"${text}" delivered`, () => h.emulator.getMessage(sent.message.id)?.deliveryStatus?.status === 1);
  }

  it('names each link’s source on its new_message, and sends each chat’s replies to its own messenger', async () => {
    const chatA = await clientMessage(h.link.id, 'conv-a');
    const chatB = await clientMessage(linkB.id, 'conv-b');
    const sources = h.amojoRequests
      .map((r) => r.body as SentPayload)
      .filter((b) => b.event_type === 'new_message')
      .map((b) => [b.payload?.conversation_id, b.payload?.source?.external_id]);
    expect(sources).toEqual([
      ['conv-a', h.link.id],
      ['conv-b', linkB.id],
    ]);

    await managerWrites(chatB, 'reply to B');
    await managerWrites(chatA, 'reply to A');
    expect(texts(second)).toEqual(['reply to B']);
    expect(texts(h.messenger)).toEqual(['reply to A']);
  });

  it('places a hook without a source of ours by its chat: no source, or the messenger’s own', async () => {
    const bare = await clientMessage(linkB.id, 'conv-bare', (r) => {
      delete r.payload?.source;
    });
    const own = await clientMessage(linkB.id, 'conv-own', (r) => {
      if (r.payload) r.payload.source = { external_id: 'messenger-own-source' };
    });
    // The first hook of a chat finds it by our conversation id, later ones by amojo's chat id.
    await managerWrites(bare, 'bare 1');
    await managerWrites(own, 'own 1');
    await managerWrites(bare, 'bare 2');
    expect(texts(second)).toEqual(['bare 1', 'own 1', 'bare 2']);
    expect(texts(h.messenger)).toEqual([]);
  });

  it('sends a chat a manager starts through link B’s source to B’s messenger', async () => {
    const started = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990001122',
      name: 'Ivan',
      sourceExternalId: linkB.id,
      message: { type: 'text', text: 'Hello from support' },
    });
    await waitFor('delivered at amojo', () => h.emulator.getMessage(started.message.id)?.deliveryStatus?.status === 1);
    expect(second.accepted()).toEqual([
      expect.objectContaining({
        type: 'conversation.started',
        conversation: expect.objectContaining({ amojo_chat_id: started.chat.id }),
      }),
    ]);
    expect(h.messenger.accepted()).toEqual([]);
    // A write-first chat through no source of ours stays with the primary link, as before sources.
    const other = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79990003344',
      name: 'Olga',
      message: { type: 'text', text: 'Hello from sales' },
    });
    await waitFor('delivered at amojo', () => h.emulator.getMessage(other.message.id)?.deliveryStatus?.status === 1);
    expect(h.messenger.accepted()).toEqual([expect.objectContaining({ type: 'conversation.started' })]);
  });
});

// An unlinked number's chats keep getting hooks while another number holds the account's scope. They stay its own:
// never delivered to another number's messenger, and the manager sees them as not delivered.
describe.each([
  { liveLeft: 1, title: 'one live number left' },
  { liveLeft: 2, title: 'two live numbers left' },
])('relay: the chats of an unlinked number, $title', ({ liveLeft }) => {
  let h: RelayHarness;
  let others: FakeMessenger[];
  let linkB: Link;
  // The worker's links are remembered for 2 s; the clock jumps past that after the unlink instead of waiting.
  let skew = 0;

  beforeEach(async () => {
    skew = 0;
    h = await startRelayHarness({ worker: { now: () => Date.now() + skew } });
    others = [];
    const links: Link[] = [];
    for (const title of liveLeft === 2 ? ['Support number', 'Sales number'] : ['Support number']) {
      const messenger = await startFakeMessenger(MESSENGER_SECRET);
      others.push(messenger);
      const { link } = h;
      const created = await createLink(
        h.db,
        {
          ...linkInput(),
          accountId: link.accountId,
          subdomain: link.subdomain,
          region: link.region,
          amojoId: link.amojoId,
          scopeId: link.scopeId,
          title,
          webhookUrl: messenger.url,
          pipelineId: null,
        },
        Date.now(),
      );
      if (!created.ok) throw new Error(`link refused: ${created.reason}`);
      links.push(created.link);
    }
    linkB = links[0] as Link;
  });
  afterEach(async () => {
    await h.close();
    for (const messenger of others) await messenger.close();
  });

  async function chatOf(linkId: string, conversationId: string) {
    const sent = await enqueueClientMessage(h.db, linkId, {
      messengerId: `in-${conversationId}`,
      conversationId,
      clientId: `client-${conversationId}`,
    });
    h.worker.notify();
    await waitFor('the client message at amojo', () => h.emulator.findMessageByMsgid(h.scopeId, sent.msgid));
    const chat = h.emulator.listChats(h.scopeId).find((c) => c.conversationId === conversationId);
    if (!chat) throw new Error(`no chat for ${conversationId}`);
    return chat.id;
  }

  /** A manager message, and the delivery status amojo ends up with for it. */
  async function managerWrites(chatId: string, text: string) {
    const sent = await h.emulator.sendMessage({ chatId, message: { type: 'text', text } });
    await waitFor(`"${text}" has a status`, () => h.emulator.getMessage(sent.message.id)?.deliveryStatus ?? undefined);
    return h.emulator.getMessage(sent.message.id)?.deliveryStatus;
  }

  it('reports a manager message in its chat undelivered and sends it to no messenger', async () => {
    const chatA = await chatOf(h.link.id, 'conv-a');
    const chatB = await chatOf(linkB.id, 'conv-b');
    expect(await unlinkLinkById(h.db, linkB.id, Date.now())).toBeDefined();
    skew += 5000;

    // The first reply is placed by the chat found in the store, the second by the remembered chat.
    for (const text of ['after unlink 1', 'after unlink 2']) {
      expect(await managerWrites(chatB, text)).toMatchObject({ status: -1, errorCode: 902 });
    }
    // The numbers still linked work as before, and saw nothing of B's chat.
    expect(await managerWrites(chatA, 'reply to A')).toMatchObject({ status: 1 });
    expect(texts(h.messenger)).toEqual(['reply to A']);
    for (const messenger of others) expect(texts(messenger)).toEqual([]);
    await waitFor('all jobs done', () => h.settled());
    const dead = (await h.jobs()).filter((job) => job.status === 'dead');
    expect(dead).toEqual([]);
  });
});

// The handler alone, over a store: what it does with a delivery job whose link is no longer live.
describe('handleBridgeDeliver: a job of an unlinked link', () => {
  const NOW = 1_700_000_000_000;
  let opened: OpenedDatabase;
  let linkA: Link;
  let linkB: Link;

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    linkA = await seedLink(opened.db);
    const created = await createLink(
      opened.db,
      { ...linkInput(), accountId: linkA.accountId, amojoId: linkA.amojoId, scopeId: linkA.scopeId, pipelineId: null },
      NOW,
    );
    if (!created.ok) throw new Error(`second link refused: ${created.reason}`);
    linkB = created.link;
  });
  afterEach(async () => opened.close());

  const deps = () =>
    ({ db: opened.db, links: createLinkCache(opened.db, { ttlMs: 0 }), now: () => NOW }) as unknown as RelayDeps;
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/amojo/${name}.json`, import.meta.url), 'utf8');

  /** B's hook in the inbox, as the door stores it, and the job pointing at it. */
  async function jobOf(payload: string, kind: 'message' | 'typing') {
    const dedupeKey = `${linkB.id}:${kind}:1`;
    await insertInboxEvent(opened.db, { dedupeKey, linkId: linkB.id, kind, payload, receivedAt: NOW });
    return { kind: 'bridge.deliver' as const, linkId: linkB.id, dedupeKey };
  }

  /** The jobs an effect queues, read back after running it in the store. */
  async function queuedBy(effects: ((trx: typeof opened.db, now: number) => Promise<void>) | undefined) {
    await effects?.(opened.db, NOW);
    const rows = await opened.db.selectFrom('outbox').select(['kind', 'linkId', 'payload']).execute();
    return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
  }

  it('reports a manager message -1 (902) through a live link of the account, which shares the scope', async () => {
    await unlinkLinkById(opened.db, linkB.id, NOW);
    const result = await handleBridgeDeliver(
      deps(),
      await jobOf(fixture('hook-message-v2-text-with-source'), 'message'),
    );
    expect(result.outcome).toBe('link_unlinked');
    expect(await queuedBy(result.effects)).toEqual([
      {
        kind: 'amojo.delivery_status',
        linkId: linkA.id,
        payload: expect.objectContaining({
          request: expect.objectContaining({
            msgid: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
            delivery_status: -1,
            error_code: 902,
            error: expect.stringContaining('disconnected'),
          }),
        }),
      },
    ]);
  });

  it('drops typing for it, with nothing queued', async () => {
    await unlinkLinkById(opened.db, linkB.id, NOW);
    const result = await handleBridgeDeliver(deps(), await jobOf(fixture('hook-typing'), 'typing'));
    expect(result.outcome).toBe('link_unlinked');
    expect(await queuedBy(result.effects)).toEqual([]);
  });

  it('leaves it a dead letter, as before, once no link of the account is live (the scope is gone)', async () => {
    await unlinkLinkById(opened.db, linkB.id, NOW);
    await unlinkLinkById(opened.db, linkA.id, NOW);
    const job = await jobOf(fixture('hook-message-v2-text-with-source'), 'message');
    const failure = await handleBridgeDeliver(deps(), job).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RelayJobError);
    expect(failure).toMatchObject({ code: 'link_unlinked', retryable: false });
  });
});
