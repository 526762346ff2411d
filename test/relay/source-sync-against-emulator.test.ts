import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { classifyJobError } from '../../src/relay/classify-job-error';
import { createLinkCache } from '../../src/relay/create-link-cache';
import { handleSourceSync } from '../../src/relay/handle-source-sync';
import type { RelayDeps } from '../../src/relay/relay-deps';
import type { RunningAmocrmEmulator } from '../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import { findLinkById, type Link, unlinkLinkById, updateLinkById } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import type { Database } from '../../src/store/schema';
import { startEmulatorClient } from '../amocrm/helpers/emulator-client';
import { RU } from '../sandbox/amocrm-emulator/harness';
import { seedLink } from '../store/helpers/seed-link';

// The account and admin of the emulator harness: startEmulatorClient grants the admin's token.
const ACCOUNT = RU;
const NOW = 1_800_000_000_000;

// The source sync through the production REST client against the amoCRM emulator over HTTP (strict /api/v4/sources).
describe('source sync against the amoCRM emulator', () => {
  let opened: ReturnType<typeof openDatabase>;
  let db: Kysely<Database>;
  let started: Awaited<ReturnType<typeof startEmulatorClient>>;
  let running: RunningAmocrmEmulator;
  let client: AmocrmClient;
  let link: Link;

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    db = opened.db;
    await migrateToLatest(db);
    started = await startEmulatorClient({ clientAttempts: 1 });
    running = started.running;
    client = started.client;
    link = await seedLink(db, {
      accountId: ACCOUNT.id,
      subdomain: ACCOUNT.subdomain,
      amojoId: ACCOUNT.amojoId,
      title: 'Sales number',
    });
  });
  afterEach(async () => {
    await running.close();
    await opened.close();
  });

  const deps = () => ({ db, links: createLinkCache(db, { ttlMs: 0 }), amocrm: client }) as unknown as RelayDeps;
  async function sync() {
    const result = await handleSourceSync(deps(), { kind: 'amocrm.sync_source', linkId: link.id });
    await result.effects?.(db, NOW);
    return result.outcome;
  }
  const live = () => running.emulator.listSources(ACCOUNT.id).filter((s) => s.deletedAt === undefined);
  const settings = (over: { title?: string; pipelineId?: number | null }) =>
    updateLinkById(db, link.id, { title: 'Sales number', ...over }, NOW);

  it('creates, renames, moves and, after the unlink, deletes the link’s source', async () => {
    expect(await sync()).toBe('created');
    const [created] = live();
    expect(created).toMatchObject({ externalId: link.id, name: 'Sales number' });
    expect(await findLinkById(db, link.id)).toMatchObject({ sourceId: created?.id, sourceState: 'synced' });

    const other = running.emulator.listPipelines(ACCOUNT.id).find((p) => !p.isMain && !p.isArchive);
    if (!other) throw new Error('the emulator seeds a second active pipeline');
    await settings({ title: 'Support number', pipelineId: other.id });
    expect(await sync()).toBe('updated');
    expect(live()).toEqual([
      expect.objectContaining({ id: created?.id, name: 'Support number', pipelineId: other.id }),
    ]);
    expect(await sync()).toBe('unchanged');

    await unlinkLinkById(db, link.id, NOW);
    expect(await sync()).toBe('deleted');
    expect(live()).toEqual([]);
    expect(await findLinkById(db, link.id)).toMatchObject({ sourceId: null });
  });

  it('finds the source an attempt whose answer was lost created, by external_id', async () => {
    const made = await client.createSource(ACCOUNT.id, {
      name: 'Sales number',
      external_id: link.id,
      pipeline_id: null,
    });
    expect(await sync()).toBe('unchanged');
    expect(live()).toHaveLength(1);
    expect(await findLinkById(db, link.id)).toMatchObject({ sourceId: made.id, sourceState: 'synced' });
  });

  it('marks amoCRM’s 400 as failed (a pipeline it does not have), and the job done', async () => {
    await settings({ pipelineId: 987_654 });
    expect(await sync()).toBe('failed');
    const stored = await findLinkById(db, link.id);
    expect(stored?.sourceState).toBe('failed');
    expect(stored?.sourceError).toMatch(/^amocrm_invalid_request/);
    expect(live()).toEqual([]);
  });

  it('leaves a 5xx to the outbox to retry', async () => {
    running.emulator.fault({ endpoint: 'sources', status: 503, count: 1 });
    const error = await handleSourceSync(deps(), { kind: 'amocrm.sync_source', linkId: link.id }).catch((e) => e);
    expect(error).not.toBeInstanceOf(AmocrmError);
    expect(classifyJobError(error)).toMatchObject({ code: 'amocrm_upstream_error', retryable: true });
    expect(await findLinkById(db, link.id)).toMatchObject({ sourceState: 'pending' });
    expect(await sync()).toBe('created');
  });
});
