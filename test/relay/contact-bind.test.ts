import { afterEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError, type AmocrmErrorCode } from '../../src/amocrm/amocrm-error';
import type { AmocrmContact } from '../../src/contracts/amocrm';
import { findConversation } from '../../src/store/conversations-repo';
import type { Answer } from './helpers/fake-messenger';
import { createRelayBridge, type RelayBridge } from './helpers/relay-bridge';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

/** A contact of the stub: its PHONE and EMAIL values as amoCRM would store them. */
interface StubContact {
  id: number;
  phones?: string[];
  emails?: string[];
}

function toAmocrm(contact: StubContact): AmocrmContact {
  const fields = [
    ...(contact.phones ? [{ field_code: 'PHONE', values: contact.phones.map((value) => ({ value })) }] : []),
    ...(contact.emails ? [{ field_code: 'EMAIL', values: contact.emails.map((value) => ({ value })) }] : []),
  ];
  return { id: contact.id, name: `Contact ${contact.id}`, custom_fields_values: fields };
}

/**
 * amoCRM's contacts, reduced to what contact binding calls: `findContacts` answers every contact with a value that
 * contains the query (digits for phones, case-insensitively for e-mails), a broad shortlist as amoCRM's own search
 * is; `bindChatToContact` refuses an unknown contact id with amoCRM's 400. Failures can be queued per call.
 */
function stubAmocrmContacts(contacts: StubContact[]) {
  const searches: string[] = [];
  const binds: { accountId: number; chatId: string; contactId: number }[] = [];
  const failures: { method: 'findContacts' | 'bindChatToContact'; code: AmocrmErrorCode }[] = [];
  let gate: Promise<void> | undefined;
  /** Called as a binding is made, before it is answered: a test looks at amojo at that moment. */
  let onBind: ((chatId: string) => void) | undefined;

  const failIfQueued = (method: 'findContacts' | 'bindChatToContact') => {
    const index = failures.findIndex((f) => f.method === method);
    if (index < 0) return;
    const [failure] = failures.splice(index, 1);
    throw new AmocrmError(failure?.code ?? 'upstream_error', 'stub failure', { endpoint: method });
  };

  const client: Pick<AmocrmClient, 'findContacts' | 'bindChatToContact'> = {
    async findContacts(_accountId, query) {
      searches.push(query);
      await gate;
      failIfQueued('findContacts');
      const digits = query.replace(/\D/g, '');
      return contacts
        .filter(
          (c) =>
            (digits !== '' && (c.phones ?? []).some((p) => p.replace(/\D/g, '').includes(digits))) ||
            (c.emails ?? []).some((e) => e.toLowerCase().includes(query.toLowerCase())),
        )
        .map(toAmocrm);
    },
    async bindChatToContact(accountId, chatId, contactId) {
      await gate;
      failIfQueued('bindChatToContact');
      if (!contacts.some((c) => c.id === contactId)) {
        throw new AmocrmError('invalid_request', '400', { endpoint: 'POST /api/v4/contacts/chats', status: 400 });
      }
      onBind?.(chatId);
      binds.push({ accountId, chatId, contactId });
      return { chat_id: chatId, contact_id: contactId, id: binds.length };
    },
  };
  const unused = () => Promise.reject(new Error('not used by contact binding'));
  return {
    client: {
      account: unused,
      user: unused,
      accountWith: unused,
      userWith: unused,
      sources: unused,
      createSource: unused,
      updateSource: unused,
      deleteSource: unused,
      pipelines: unused,
      ...client,
    } as AmocrmClient,
    searches,
    binds,
    fail(method: 'findContacts' | 'bindChatToContact', code: AmocrmErrorCode, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push({ method, code });
    },
    observeBind(observer: (chatId: string) => void) {
      onBind = observer;
    },
    /** Holds every call until `release()`: the binding stays pending meanwhile. */
    hold(): () => void {
      let release: () => void = () => {};
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
  };
}

const CONTACTS: StubContact[] = [
  { id: 101, phones: ['8 (916) 123-45-67'], emails: ['Ann@Example.com'] },
  // Shares the last ten digits with 101's number under another country code: amoCRM's search may list it.
  { id: 102, phones: ['+38 916 123 45 67'] },
  { id: 103, phones: ['+7 926 555-00-11'] },
  { id: 104, phones: ['+79265550011', '+7 495 000-00-00'] },
  { id: 105, emails: ['bob@example.com'] },
];

const harnesses: RelayHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function start(options: { amocrm?: boolean; answer?: Answer } = {}) {
  const stub = stubAmocrmContacts(CONTACTS);
  const h = await startRelayHarness({
    ...(options.answer === undefined ? {} : { answer: options.answer }),
    worker: options.amocrm === false ? {} : { amocrm: stub.client },
  });
  harnesses.push(h);
  const bridge = await createRelayBridge(h);
  return { h, stub, bridge };
}

let seq = 0;
async function clientWrites(bridge: RelayBridge, conversationId: string, contact?: unknown, extra: object = {}) {
  seq += 1;
  const res = await bridge.post('/bridge/v1/messages', {
    id: `msg-${seq}`,
    conversation: { id: conversationId },
    sender: { id: `client-${conversationId}`, name: 'Ann' },
    message: { type: 'text', text: `hello ${seq}` },
    ...(contact === undefined ? {} : { contact }),
    ...extra,
  });
  expect(res.status).toBe(202);
}

async function conversation(bridge: RelayBridge, id: string) {
  const res = await bridge.get(`/bridge/v1/conversations/${id}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The amojo chat the emulator holds for our conversation id. */
function chatOf(h: RelayHarness, conversationId: string) {
  return h.emulator.listChats(h.scopeId).find((c) => c.conversationId === conversationId);
}

async function settle(h: RelayHarness) {
  await waitFor('all jobs done', () => h.settled());
}

describe('contact hints: binding the amojo chat to an amoCRM contact', () => {
  it('binds by id once the chat exists, and reports it', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-id', { id: 103 });
    await settle(h);
    const chat = chatOf(h, 'conv-id');
    expect(chat).toBeDefined();
    expect(stub.binds).toEqual([{ accountId: h.link.accountId, chatId: chat?.id, contactId: 103 }]);
    expect(stub.searches).toEqual([]);
    expect(await conversation(bridge, 'conv-id')).toEqual({
      status: 200,
      body: { id: 'conv-id', link_id: h.link.id, amojo_chat_id: chat?.id, contact: { state: 'bound', id: 103 } },
    });
    // The message itself reached the chat the binding names.
    expect(h.emulator.listMessages(chat?.id ?? '')).toHaveLength(1);
  });

  it('binds by phone when exactly one contact really has the number (8… and +7… are one number)', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-phone', { phone: '+7 916 123 45 67', match: 'existing' });
    await settle(h);
    // The search is a shortlist (102 shares the digits searched for); only 101 carries the number.
    expect(stub.searches).toEqual(['9161234567']);
    expect(stub.binds.map((b) => b.contactId)).toEqual([101]);
    expect((await conversation(bridge, 'conv-phone')).body.contact).toEqual({ state: 'bound', id: 101 });
  });

  it('binds nothing when the phone matches two contacts, and says so', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-two', { phone: '79265550011', match: 'existing' });
    await settle(h);
    expect(stub.searches).toHaveLength(1);
    expect(stub.binds).toEqual([]);
    expect((await conversation(bridge, 'conv-two')).body.contact).toEqual({ state: 'ambiguous' });
  });

  it('leaves amoCRM its usual flow when no contact has the phone', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-none', { phone: '+1 212 555 0100', match: 'existing' });
    await settle(h);
    expect(stub.searches).toEqual(['2125550100']);
    expect(stub.binds).toEqual([]);
    expect((await conversation(bridge, 'conv-none')).body.contact).toEqual({ state: 'not_found' });
    expect(h.emulator.listMessages(chatOf(h, 'conv-none')?.id ?? '')).toHaveLength(1);
  });

  it('binds by e-mail, compared without case', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-mail', { email: 'ann@example.COM', match: 'existing' });
    await settle(h);
    expect(stub.binds.map((b) => b.contactId)).toEqual([101]);
    expect((await conversation(bridge, 'conv-mail')).body.contact).toEqual({ state: 'bound', id: 101 });
  });

  it('binds at most once: a later message with another hint changes nothing', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-once', { id: 103 });
    await settle(h);
    await clientWrites(bridge, 'conv-once', { id: 105 });
    await clientWrites(bridge, 'conv-once', { email: 'bob@example.com', match: 'existing' });
    await settle(h);
    expect(stub.binds.map((b) => b.contactId)).toEqual([103]);
    const row = await findConversation(h.db, h.link.id, 'conv-once');
    expect(row).toMatchObject({ contactState: 'bound', contactId: 103, contactHint: JSON.stringify({ id: 103 }) });
    expect(h.emulator.listMessages(chatOf(h, 'conv-once')?.id ?? '')).toHaveLength(3);
    const binds = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    expect(binds).toHaveLength(1);
  });

  it('binds a conversation whose first message had no hint once a later one brings it', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-late');
    await settle(h);
    expect((await conversation(bridge, 'conv-late')).body.contact).toEqual({ state: 'none' });
    await clientWrites(bridge, 'conv-late', { id: 104 });
    await settle(h);
    expect(stub.binds).toEqual([{ accountId: h.link.accountId, chatId: chatOf(h, 'conv-late')?.id, contactId: 104 }]);
  });

  it('reports pending while the binding is on its way, the message waiting behind it', async () => {
    const { h, stub, bridge } = await start();
    const release = stub.hold();
    await clientWrites(bridge, 'conv-wait', { id: 103 });
    await waitFor('bind job claimed', async () =>
      (await h.jobs()).some((j) => j.kind === 'amocrm.bind_contact' && j.status === 'leased'),
    );
    expect((await conversation(bridge, 'conv-wait')).body).toMatchObject({ contact: { state: 'pending' } });
    // The binding opened the chat; the message has not gone yet.
    expect(h.emulator.listMessages(chatOf(h, 'conv-wait')?.id ?? '')).toEqual([]);
    expect((await h.jobs()).find((j) => j.kind === 'amojo.new_message')?.status).toBe('pending');
    release();
    await settle(h);
    expect((await conversation(bridge, 'conv-wait')).body).toMatchObject({
      amojo_chat_id: chatOf(h, 'conv-wait')?.id,
      contact: { state: 'bound', id: 103 },
    });
    expect(h.emulator.listMessages(chatOf(h, 'conv-wait')?.id ?? '')).toHaveLength(1);
  });

  it('binds the chat before its first message reaches amojo, so amoCRM meets a known client', async () => {
    const { h, stub, bridge } = await start();
    const atBind: { chat: boolean; messages: number }[] = [];
    stub.observeBind((chatId) => {
      atBind.push({ chat: h.emulator.getChat(chatId) !== undefined, messages: h.emulator.listMessages(chatId).length });
    });
    await clientWrites(bridge, 'conv-first', { id: 103 });
    await clientWrites(bridge, 'conv-first');
    await settle(h);
    // When amoCRM was asked, amojo had the chat and no message in it yet.
    expect(atBind).toEqual([{ chat: true, messages: 0 }]);
    const chat = chatOf(h, 'conv-first');
    expect(stub.binds).toEqual([{ accountId: h.link.accountId, chatId: chat?.id, contactId: 103 }]);
    expect(h.emulator.listMessages(chat?.id ?? '')).toHaveLength(2);
    // The job opened the chat for the client the message names.
    const client = h.emulator.listParticipants(h.scopeId).find((p) => p.id === chat?.clientParticipantId);
    expect(client).toMatchObject({ clientId: 'client-conv-first', name: 'Ann' });
  });

  it('lets the messages go once amoCRM stays down past a few quick attempts, the binding failed', async () => {
    const { h, stub, bridge } = await start();
    stub.fail('findContacts', 'upstream_error', 10);
    await clientWrites(bridge, 'conv-down', { email: 'bob@example.com', match: 'existing' });
    await clientWrites(bridge, 'conv-down');
    await settle(h);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    // Done, not dead: a job held back for so short a time needs no replay, and ends nothing else.
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
    expect(stub.searches).toHaveLength(3);
    expect(stub.binds).toEqual([]);
    expect((await conversation(bridge, 'conv-down')).body.contact).toEqual({ state: 'failed' });
    expect(h.emulator.listMessages(chatOf(h, 'conv-down')?.id ?? '')).toHaveLength(2);
    const messages = (await h.jobs()).filter((j) => j.kind === 'amojo.new_message');
    expect(messages.map((j) => j.status)).toEqual(['done', 'done']);
  });

  it('gives up at once on a refusal that no retry can mend, the message going on', async () => {
    const { h, stub, bridge } = await start();
    stub.fail('bindChatToContact', 'forbidden');
    await clientWrites(bridge, 'conv-forbidden', { id: 103 });
    await settle(h);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
    expect((await conversation(bridge, 'conv-forbidden')).body.contact).toEqual({ state: 'failed' });
    expect(h.emulator.listMessages(chatOf(h, 'conv-forbidden')?.id ?? '')).toHaveLength(1);
  });

  it('keeps retrying through the outbox a binding queued after the message: nothing waits for it', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-after');
    await settle(h);
    stub.fail('bindChatToContact', 'upstream_error', 3);
    await clientWrites(bridge, 'conv-after', { id: 104 });
    await settle(h);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    // Past the three attempts a first binding gets (the harness allows four).
    expect(job).toMatchObject({ status: 'done', attempts: 4 });
    expect(job?.orderingKey).not.toContain('conv:');
    expect(stub.binds.map((b) => b.contactId)).toEqual([104]);
  });

  it('marks an unknown contact id failed (amoCRM 400), without retrying', async () => {
    const { h, stub, bridge } = await start();
    await clientWrites(bridge, 'conv-bad', { id: 999 });
    await settle(h);
    expect(stub.binds).toEqual([]);
    expect((await conversation(bridge, 'conv-bad')).body.contact).toEqual({ state: 'failed' });
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('retries a transient amoCRM failure through the outbox', async () => {
    const { h, stub, bridge } = await start();
    stub.fail('findContacts', 'upstream_error');
    stub.fail('bindChatToContact', 'rate_limited');
    await clientWrites(bridge, 'conv-retry', { email: 'bob@example.com', match: 'existing' });
    await settle(h);
    // Each attempt starts over: refused search, search then refused binding, search then binding.
    expect(stub.searches).toHaveLength(3);
    expect(stub.binds.map((b) => b.contactId)).toEqual([105]);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('marks the binding failed at once when no amoCRM client is configured, and the message goes', async () => {
    const { h, bridge } = await start({ amocrm: false });
    await clientWrites(bridge, 'conv-off', { id: 103 });
    await settle(h);
    const [job] = (await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact');
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
    // The message itself went to amoCRM all the same.
    expect(h.emulator.listMessages(chatOf(h, 'conv-off')?.id ?? '')).toHaveLength(1);
    expect((await conversation(bridge, 'conv-off')).body.contact).toEqual({ state: 'failed' });
  });

  it('keeps a write-first chat on the contact the manager started it from, whatever the hint', async () => {
    const { h, stub, bridge } = await start({
      answer: (event) =>
        event.type === 'conversation.started'
          ? { message_id: `msgr-${event.id}`, conversation_id: 'conv-wf', recipient_id: 'client-conv-wf' }
          : { message_id: `msgr-${event.id}` },
    });
    const started = await h.emulator.startWriteFirst({
      scopeId: h.scopeId,
      phone: '+79161234567',
      name: 'Ann',
      message: { type: 'text', text: 'Your order is ready' },
    });
    await waitFor('started at the messenger', () => h.messenger.accepted().length === 1);
    await settle(h);
    await clientWrites(bridge, 'conv-wf', { id: 103 });
    await settle(h);
    await clientWrites(bridge, 'conv-wf', { id: 104 });
    await settle(h);
    expect(stub.binds).toEqual([]);
    expect(stub.searches).toEqual([]);
    expect(await conversation(bridge, 'conv-wf')).toEqual({
      status: 200,
      body: { id: 'conv-wf', link_id: h.link.id, amojo_chat_id: started.chat.id, contact: { state: 'crm' } },
    });
    expect((await h.jobs()).filter((j) => j.kind === 'amocrm.bind_contact')).toEqual([]);
  });

  it('takes the hint of a history import, which starts the conversation, binding before its first message', async () => {
    const { h, stub, bridge } = await start();
    const atBind: number[] = [];
    stub.observeBind((chatId) => atBind.push(h.emulator.listMessages(chatId).length));
    const res = await bridge.post('/bridge/v1/history-imports', {
      import_id: 'imp-1',
      conversation: { id: 'conv-import' },
      client: { id: 'client-import', name: 'Ann' },
      contact: { phone: '89161234567', match: 'existing' },
      final: true,
      messages: [
        { id: 'h-1', direction: 'in', sent_at: Date.now() - 60_000, message: { type: 'text', text: 'old' } },
        { id: 'h-2', direction: 'in', sent_at: Date.now() - 30_000, message: { type: 'text', text: 'newer' } },
      ],
    });
    expect(res.status).toBe(202);
    await settle(h);
    expect(stub.binds.map((b) => b.contactId)).toEqual([101]);
    expect(atBind).toEqual([0]);
    const chat = chatOf(h, 'conv-import');
    expect(h.emulator.listMessages(chat?.id ?? '')).toHaveLength(2);
    const client = h.emulator.listParticipants(h.scopeId).find((p) => p.id === chat?.clientParticipantId);
    expect(client?.clientId).toBe('client-import');
  });

  it('answers 404 for a conversation the link does not have', async () => {
    const { bridge } = await start();
    const res = await bridge.get('/bridge/v1/conversations/never-posted');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
