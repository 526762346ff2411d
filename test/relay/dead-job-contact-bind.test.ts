import { afterEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { contactBindJob } from '../../src/jobs/amocrm-jobs';
import { deadJobEffects } from '../../src/relay/dead-job-effects';
import {
  ensureConversation,
  findConversation,
  findConversationById,
  setConversationContact,
} from '../../src/store/conversations-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { enqueue, findJobByKey } from '../../src/store/outbox-repo';
import type { ContactState } from '../../src/store/schema';
import { seedLink } from '../store/helpers/seed-link';
import { createRelayBridge } from './helpers/relay-bridge';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const T0 = 1_700_000_000_000;

/** A contact-bind job's dead letter, read as the runner reads one its handler never ended, applied to the store. */
async function deadLetter(state: ContactState | null, code: string) {
  const opened = openDatabase('sqlite::memory:');
  await migrateToLatest(opened.db);
  try {
    const link = await seedLink(opened.db);
    const { conversation } = await ensureConversation(opened.db, { linkId: link.id, conversationId: 'c-1' }, T0);
    if (state !== null) await setConversationContact(opened.db, conversation.id, { contactId: null, state }, T0);
    const job = contactBindJob(link.id, conversation.id);
    await enqueue(opened.db, job, T0);
    const row = await findJobByKey(opened.db, job.idempotencyKey);
    if (!row) throw new Error('job not queued');
    const effect = await deadJobEffects({ db: opened.db, now: () => T0 + 5 }, row, code);
    if (effect) await opened.db.transaction().execute((trx) => effect(trx, T0 + 5));
    return { effect, after: await findConversationById(opened.db, conversation.id) };
  } finally {
    await opened.close();
  }
}

describe('dead letters of contact bindings', () => {
  it.each(['job_deadline', 'attempts_exhausted', 'delivery_breaker_open'])(
    'ends a pending binding as failed (%s)',
    async (code) => {
      const { effect, after } = await deadLetter('pending', code);
      expect(effect).toBeDefined();
      expect(after).toMatchObject({ contactState: 'failed', contactId: null, updatedAt: T0 + 5 });
    },
  );

  it.each(['bound', 'not_found', 'ambiguous', 'crm'] as const)(
    'leaves a binding that ended %s as it is',
    async (state) => {
      const { after } = await deadLetter(state, 'job_deadline');
      expect(after).toMatchObject({ contactState: state, updatedAt: T0 });
    },
  );

  it('gives a conversation without a binding no state', async () => {
    const { after } = await deadLetter(null, 'attempts_exhausted');
    expect(after?.contactState).toBeNull();
  });
});

describe('relay: a contact binding that runs past its deadline on every attempt', () => {
  let h: RelayHarness | undefined;
  let release: () => void = () => {};
  afterEach(async () => {
    release();
    await h?.close();
    h = undefined;
  });

  it('is dead-lettered with the binding failed, and the message it held goes to amojo', async () => {
    // amoCRM never answers until the test ends: only the runner's per-attempt deadline ends each attempt.
    const gate = new Promise<never>((_, reject) => {
      release = () => reject(new Error('released'));
    });
    gate.catch(() => {});
    const never = () => gate;
    const amocrm = { findContacts: never, bindChatToContact: never } as unknown as AmocrmClient;
    h = await startRelayHarness({
      worker: {
        amocrm,
        jobDeadlineMs: (job) => (job.kind === 'amocrm.bind_contact' ? 200 : 60_000),
        retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 40 },
      },
    });
    const harness = h;
    const bridge = await createRelayBridge(harness);
    const res = await bridge.post('/bridge/v1/messages', {
      id: 'msg-1',
      conversation: { id: 'conv-dead' },
      sender: { id: 'client-1', name: 'Ann' },
      message: { type: 'text', text: 'hello' },
      contact: { phone: '+7 916 123 45 67', match: 'existing' },
    });
    expect(res.status).toBe(202);

    await waitFor('the binding dead-lettered', async () =>
      (await harness.jobs()).some((j) => j.kind === 'amocrm.bind_contact' && j.status === 'dead'),
    );
    const bind = (await harness.jobs()).find((j) => j.kind === 'amocrm.bind_contact');
    expect(bind).toMatchObject({ status: 'dead', lastError: 'job_deadline', attempts: 2 });
    expect(await findConversation(harness.db, harness.link.id, 'conv-dead')).toMatchObject({ contactState: 'failed' });
    // The message waited behind the binding on the conversation's key, and goes once it is dead.
    await waitFor('the message at amojo', () =>
      harness.emulator.listChats(harness.scopeId).some((c) => c.conversationId === 'conv-dead'),
    );
  });
});
