import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeDeliverJob } from '../../src/jobs/bridge-deliver-job';
import { createRecoverySweep } from '../../src/recovery/create-recovery-sweep';
import { createPruner } from '../../src/relay/create-pruner';
import { createHookPersister } from '../../src/server/routes/amojo-webhook/create-hook-persister';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { claimDue, parkLinkJobs, requeueDeadLetters, unparkLinkJobs } from '../../src/store/outbox-repo';
import { payloadString } from '../../src/store/payload-string';
import type { Database } from '../../src/store/schema';
import { seedLink } from '../store/helpers/seed-link';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The pruner spares an old hook by probing for the job key bridgeDeliverJob derives from it (find-hooks-still-needed.ts),
 * not by reading job payloads. These tests take the bridge.deliver jobs each producer really writes, and the status
 * changes every later writer makes (replay, park, unpark, claim), and check that the pruner still spares every hook
 * such a job names while it is not done, and lets it go once the job is done.
 */
describe('the pruner spares the hooks of deliveries from every producer', () => {
  let h: RelayHarness | undefined;
  let opened: OpenedDatabase | undefined;
  afterEach(async () => {
    await h?.close();
    await opened?.close();
    h = undefined;
    opened = undefined;
  });

  /** The hooks the bridge.deliver jobs name (from their payloads), and the link they belong to. */
  async function deliveryHooks(db: Kysely<Database>): Promise<string[]> {
    const jobs = await db.selectFrom('outbox').select('payload').where('kind', '=', 'bridge.deliver').execute();
    return jobs.map((job) => payloadString(job.payload, 'dedupeKey') ?? '');
  }

  const held = async (db: Kysely<Database>, keys: readonly string[]) =>
    (
      await db
        .selectFrom('inbox')
        .select('dedupeKey')
        .where('dedupeKey', 'in', [...keys])
        .execute()
    )
      .map((row) => row.dedupeKey)
      .sort();

  /**
   * Runs the pruner 31 days on (past the hooks' 30-day retention, within RETENTION_DAYS) after each step a job not
   * done can go through, then once the jobs are done.
   */
  async function expectSparedUntilDone(db: Kysely<Database>, linkId: string) {
    const keys = (await deliveryHooks(db)).sort();
    expect(keys.length).toBeGreaterThan(0);
    expect(await held(db, keys)).toEqual(keys);
    const later = Date.now() + 31 * DAY;
    const prune = () => createPruner({ db, now: () => later }).runOnce();
    const expectAllHeld = async (step: string) => {
      await prune();
      expect(await held(db, keys), step).toEqual(keys);
    };

    await db
      .updateTable('outbox')
      .set({ status: 'dead', completedAt: null })
      .where('kind', '=', 'bridge.deliver')
      .execute();
    await expectAllHeld('dead');
    expect(await requeueDeadLetters(db, { kind: 'bridge.deliver' }, later)).toBe(keys.length);
    await expectAllHeld('replayed');
    expect(await parkLinkJobs(db, linkId, later)).toBe(keys.length);
    await expectAllHeld('parked');
    expect(await unparkLinkJobs(db, linkId, later)).toBe(keys.length);
    await expectAllHeld('unparked');
    expect(await claimDue(db, { now: later, limit: 64, leaseMs: 60_000, workerId: 'test' })).not.toHaveLength(0);
    await expectAllHeld('leased');

    // Done a day before (the jobs stay, done jobs are kept a week): nothing spares the hooks any more.
    await db
      .updateTable('outbox')
      .set({ status: 'done', completedAt: later - DAY, leaseOwner: null })
      .where('kind', '=', 'bridge.deliver')
      .execute();
    expect(await prune()).toMatchObject({ jobs: 0, inbox: keys.length });
    expect(await held(db, keys)).toEqual([]);
  }

  it('webhook ingress on SQLite: the prepared-statement writer the backend uses there', async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    const link = await seedLink(opened.db);
    const persister = createHookPersister(opened);
    try {
      // As accept-amojo-hook.ts builds its row: the hook and the delivery job bridgeDeliverJob makes for it.
      for (const key of ['hook-a', 'hook-b', 'hook-c']) {
        const event = { dedupeKey: key, linkId: link.id, kind: 'message', payload: '{}', receivedAt: Date.now() };
        expect(await persister.persist({ event, job: bridgeDeliverJob(link.id, key, `chat-${key}`) })).toBe('new');
      }
    } finally {
      await persister.close();
    }
    await expectSparedUntilDone(opened.db, link.id);
  });

  it('webhook ingress through the route, and missed hooks recovered from amojo history', async () => {
    const harness = await startRelayHarness();
    h = harness;
    // A chat the client opened, so amojo's hooks for it have somewhere to go.
    const first = await harness.clientMessage({ messengerId: 'in-1', conversationId: 'conv-1', clientId: 'client-1' });
    const sentIn = await waitFor('the client message at amojo', () =>
      harness.emulator.findMessageByMsgid(harness.scopeId, first.msgid),
    );
    const chatId = sentIn?.chatId ?? '';
    const say = (text: string) => harness.emulator.sendMessage({ chatId, message: { type: 'text', text } });

    await say('live reply');
    await waitFor('the live hook delivered', async () => (await deliveryHooks(harness.db)).length === 1);
    await waitFor('all jobs done', () => harness.settled());
    harness.emulator.setHookDelivery({ mode: 'drop' });
    await say('missed reply');
    harness.emulator.setHookDelivery({ mode: 'send' });
    const sweep = createRecoverySweep({
      db: harness.db,
      windowHours: 24,
      maxChats: 200,
      everyMs: 0,
      startedAt: Date.now(),
      onQueued: () => harness.worker.notify(),
    });
    expect(await sweep.runOnce('start')).toBe(1);
    await waitFor('the missed hook recovered', async () => (await deliveryHooks(harness.db)).length === 2);
    await waitFor('all jobs done', () => harness.settled());
    // From here on the pruner's view alone: no worker moves the jobs the test sets.
    await harness.worker.stop();
    await expectSparedUntilDone(harness.db, harness.link.id);
  });
});
