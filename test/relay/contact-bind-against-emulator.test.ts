import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { contactBindJob } from '../../src/jobs/amocrm-jobs';
import { conversationOrderingKey } from '../../src/jobs/ordering-keys';
import { createLinkCache } from '../../src/relay/create-link-cache';
import { handleContactBind } from '../../src/relay/handle-contact-bind';
import type { RelayDeps } from '../../src/relay/relay-deps';
import type { RunningAmocrmEmulator } from '../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import {
  bindConversation,
  ensureConversation,
  findConversationById,
  setConversationContact,
  setConversationContactHint,
} from '../../src/store/conversations-repo';
import type { Link } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { enqueue } from '../../src/store/outbox-repo';
import type { Database } from '../../src/store/schema';
import { startEmulatorClient } from '../amocrm/helpers/emulator-client';
import { RU } from '../sandbox/amocrm-emulator/harness';
import { seedLink } from '../store/helpers/seed-link';

// The account and admin of the emulator harness: startEmulatorClient grants the admin's token.
const ACCOUNT = RU;
const NOW = 1_800_000_000_000;

// Contact binding through the production REST client against the amoCRM emulator over HTTP: its contact search
// (`query`, 204 when nothing is found) and POST /api/v4/contacts/chats (400 for a contact the account lacks).
describe('contact binding against the amoCRM emulator', () => {
  let opened: ReturnType<typeof openDatabase>;
  let db: Kysely<Database>;
  let started: Awaited<ReturnType<typeof startEmulatorClient>>;
  let running: RunningAmocrmEmulator;
  let client: AmocrmClient;
  let link: Link;
  let chats = 0;
  const contacts: Record<string, number> = {};

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    db = opened.db;
    await migrateToLatest(db);
    started = await startEmulatorClient({ clientAttempts: 1 });
    running = started.running;
    client = started.client;
    link = await seedLink(db, { accountId: ACCOUNT.id, subdomain: ACCOUNT.subdomain, amojoId: ACCOUNT.amojoId });
    const add = (name: string, phones: string[], emails: string[] = []) => {
      contacts[name] = running.emulator.addContact({ accountId: ACCOUNT.id, name, phones, emails }).id;
    };
    add('Anna', ['8 (916) 123-45-67'], ['Anna@Example.com']);
    add('Anna abroad', ['+38 916 123 45 67']);
    add('Oleg', ['+7 926 555-00-11']);
    add('Oleg at work', ['79265550011']);
  });
  afterEach(async () => {
    await running.close();
    await opened.close();
  });

  /** A conversation whose amojo chat exists, with the hint and the pending state the relay leaves on it. */
  async function pendingConversation(hint: unknown) {
    chats += 1;
    const { conversation } = await ensureConversation(db, { linkId: link.id, conversationId: `conv-${chats}` }, NOW);
    const chatId = `7c9e6679-7425-40de-944b-e07fc1f9${String(chats).padStart(4, '0')}`;
    await bindConversation(db, conversation.id, { amojoChatId: chatId }, NOW);
    await setConversationContactHint(db, conversation.id, JSON.stringify(hint), NOW);
    await setConversationContact(db, conversation.id, { contactId: null, state: 'pending' }, NOW);
    return { rowId: conversation.id, chatId };
  }

  const deps = () => ({ db, links: createLinkCache(db, { ttlMs: 0 }), amocrm: client }) as unknown as RelayDeps;
  async function bind(rowId: string) {
    // As a hint on a conversation's first request queues it: ahead of the messages, on their key.
    const { job } = await enqueue(
      db,
      contactBindJob(link.id, rowId, { orderingKey: conversationOrderingKey(link.id, rowId) }),
      NOW,
    );
    const result = await handleContactBind(
      deps(),
      { kind: 'amocrm.bind_contact', linkId: link.id, conversationRowId: rowId },
      job,
    );
    await result.effects?.(db, NOW);
    const row = await findConversationById(db, rowId);
    return { outcome: result.outcome, state: row?.contactState, contactId: row?.contactId };
  }
  const bindings = () => running.emulator.listChatBindings(ACCOUNT.id).filter((b) => b.replacedAt === undefined);

  it('binds by id', async () => {
    const { rowId, chatId } = await pendingConversation({ id: contacts.Oleg });
    expect(await bind(rowId)).toEqual({ outcome: 'bound', state: 'bound', contactId: contacts.Oleg });
    expect(bindings()).toEqual([expect.objectContaining({ chatId, contactId: contacts.Oleg })]);
  });

  it('marks an id the account does not have failed (amoCRM’s 400), binding nothing', async () => {
    const { rowId } = await pendingConversation({ id: 987_654_321 });
    expect(await bind(rowId)).toEqual({ outcome: 'failed', state: 'failed', contactId: null });
    expect(bindings()).toEqual([]);
  });

  it('binds by phone when one contact really has it, though the search lists two', async () => {
    const { rowId, chatId } = await pendingConversation({ phone: '+7 916 123-45-67', match: 'existing' });
    expect(await bind(rowId)).toEqual({ outcome: 'bound', state: 'bound', contactId: contacts.Anna });
    expect(bindings()).toEqual([expect.objectContaining({ chatId, contactId: contacts.Anna })]);
  });

  it('binds nothing when the phone is two contacts’', async () => {
    const { rowId } = await pendingConversation({ phone: '+79265550011', match: 'existing' });
    expect(await bind(rowId)).toEqual({ outcome: 'ambiguous', state: 'ambiguous', contactId: null });
    expect(bindings()).toEqual([]);
  });

  it('reads the search’s 204 as no contact', async () => {
    const { rowId } = await pendingConversation({ phone: '+1 212 555 0100', match: 'existing' });
    expect(await bind(rowId)).toEqual({ outcome: 'not_found', state: 'not_found', contactId: null });
    expect(bindings()).toEqual([]);
  });

  it('binds by e-mail, whatever its case', async () => {
    const { rowId, chatId } = await pendingConversation({ email: 'ANNA@example.com', match: 'existing' });
    expect(await bind(rowId)).toEqual({ outcome: 'bound', state: 'bound', contactId: contacts.Anna });
    expect(bindings()).toEqual([expect.objectContaining({ chatId, contactId: contacts.Anna })]);
  });

  it('does nothing for a conversation already settled', async () => {
    const { rowId } = await pendingConversation({ id: contacts.Oleg });
    expect((await bind(rowId)).state).toBe('bound');
    expect(await bind(rowId)).toEqual({ outcome: 'already_done', state: 'bound', contactId: contacts.Oleg });
    expect(running.emulator.listChatBindings(ACCOUNT.id)).toHaveLength(1);
  });
});
