import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { contactBindJob } from '../../src/jobs/amocrm-jobs';
import { conversationOrderingKey } from '../../src/jobs/ordering-keys';
import { createLinkCache } from '../../src/relay/create-link-cache';
import { handleContactBind } from '../../src/relay/handle-contact-bind';
import type { RelayDeps } from '../../src/relay/relay-deps';
import { RelayJobError } from '../../src/relay/relay-job-error';
import {
  bindConversation,
  ensureConversation,
  setConversationContact,
  setConversationContactHint,
} from '../../src/store/conversations-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { enqueue, type OutboxJob } from '../../src/store/outbox-repo';
import { seedLink } from '../store/helpers/seed-link';

const NOW = 1_800_000_000_000;

// A binding its conversation's messages wait for gets three attempts of its retry budget; a takeover from a dead
// worker (lost_leases) is no attempt of it, as for every other job (JobContext.attempt).
describe('contact binding ahead of the messages: its attempt is the retry budget’s', () => {
  let opened: OpenedDatabase;
  let row: OutboxJob;
  let deps: RelayDeps;

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    const db = opened.db;
    await migrateToLatest(db);
    const link = await seedLink(db);
    const { conversation } = await ensureConversation(db, { linkId: link.id, conversationId: 'conv-1' }, NOW);
    await bindConversation(db, conversation.id, { amojoChatId: '7c9e6679-7425-40de-944b-e07fc1f90001' }, NOW);
    await setConversationContactHint(
      db,
      conversation.id,
      JSON.stringify({ email: 'ann@example.com', match: 'existing' }),
      NOW,
    );
    await setConversationContact(db, conversation.id, { contactId: null, state: 'pending' }, NOW);
    // Queued on the conversation's key: the messages wait for it.
    const queued = contactBindJob(link.id, conversation.id, {
      orderingKey: conversationOrderingKey(link.id, conversation.id),
    });
    row = (await enqueue(db, queued, NOW)).job;
    // amoCRM down: every search fails as a retryable 5xx would.
    const amocrm = {
      findContacts: () => Promise.reject(new AmocrmError('upstream_error', '503', { endpoint: 'GET /contacts' })),
    } as unknown as AmocrmClient;
    deps = { db, links: createLinkCache(db, { ttlMs: 0 }), amocrm, now: () => NOW + 1_000 } as unknown as RelayDeps;
  });
  afterEach(async () => {
    await opened.close();
  });

  const run = (attempts: number, lostLeases: number) =>
    handleContactBind(deps, JSON.parse(row.payload), { ...row, attempts, lostLeases });

  it('retries a third claim that took the job over from a dead worker: its second attempt', async () => {
    const failed = await run(3, 1).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RelayJobError);
    expect(failed).toMatchObject({ code: 'amocrm_upstream_error', retryable: true });
  });

  it('gives up on the third attempt of the budget, takeovers aside, and lets the messages go', async () => {
    expect(await run(4, 1)).toMatchObject({ outcome: 'failed' });
  });
});
