import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { classifyJobError } from '../../src/relay/classify-job-error';
import { createLinkCache } from '../../src/relay/create-link-cache';
import { handleSourceSync } from '../../src/relay/handle-source-sync';
import type { JobResult } from '../../src/relay/job-handler';
import { LINK_PARKED } from '../../src/relay/live-link';
import type { RelayDeps } from '../../src/relay/relay-deps';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { findLinkById, type Link, setLinkParked, unlinkLinkById, updateLinkById } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import type { Database } from '../../src/store/schema';
import { createFakeAmocrmClient, type FakeAmocrmClient } from '../helpers/fake-amocrm-client';
import { seedLink } from '../store/helpers/seed-link';

const NOW = 1_800_000_000_000;

describe('handleSourceSync', () => {
  let opened: ReturnType<typeof openDatabase>;
  let db: Kysely<Database>;
  let fake: FakeAmocrmClient;
  let link: Link;

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    db = opened.db;
    await migrateToLatest(db);
    link = await seedLink(db, { title: 'Sales number' });
    fake = createFakeAmocrmClient({ [link.accountId]: { subdomain: 'shop', amojoId: link.amojoId } });
  });
  afterEach(() => opened.close());

  const deps = (amocrm: AmocrmClient | undefined = fake.client) =>
    ({ db, links: createLinkCache(db, { ttlMs: 0 }), amocrm }) as unknown as RelayDeps;

  /** One run of the job, its effects committed as the runner would on success. */
  async function sync(amocrm?: AmocrmClient): Promise<JobResult> {
    const result = await handleSourceSync(deps(amocrm), { kind: 'amocrm.sync_source', linkId: link.id });
    await result.effects?.(db, NOW);
    return result;
  }
  const stored = async () => {
    const row = await findLinkById(db, link.id);
    return { sourceId: row?.sourceId, sourceState: row?.sourceState, sourceError: row?.sourceError };
  };
  const failureOf = async (amocrm?: AmocrmClient) => {
    const error = await handleSourceSync(deps(amocrm), { kind: 'amocrm.sync_source', linkId: link.id }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error === undefined) throw new Error('expected the sync to fail');
    return error;
  };

  it('creates the source named after the link, external_id = link id, and stores its id as synced', async () => {
    expect(await sync()).toMatchObject({ outcome: 'created' });
    const [source] = fake.sourcesOf(link.accountId);
    expect(source).toMatchObject({ name: 'Sales number', external_id: link.id });
    expect(await stored()).toEqual({ sourceId: source?.id, sourceState: 'synced', sourceError: null });
    // Nothing changed: a second sync only looks.
    expect(await sync()).toMatchObject({ outcome: 'unchanged' });
    expect(fake.sourcesOf(link.accountId)).toHaveLength(1);
  });

  it('finds the source a lost answer created instead of creating a second one', async () => {
    const made = fake.putSource(link.accountId, { name: 'Sales number', external_id: link.id });
    expect(await stored()).toMatchObject({ sourceId: null, sourceState: 'pending' });
    expect(await sync()).toMatchObject({ outcome: 'unchanged' });
    expect(fake.calls.filter((c) => c.method === 'createSource')).toEqual([]);
    expect(await stored()).toEqual({ sourceId: made.id, sourceState: 'synced', sourceError: null });
  });

  it('ignores a source with another external_id even when amoCRM returns it', async () => {
    fake.putSource(link.accountId, { name: 'Someone else', external_id: 'other-link' });
    const patched: AmocrmClient = { ...fake.client, sources: (accountId) => fake.client.sources(accountId) };
    expect(await sync(patched)).toMatchObject({ outcome: 'created' });
    expect(
      fake
        .sourcesOf(link.accountId)
        .map((s) => s.external_id)
        .sort(),
    ).toEqual(['other-link', link.id].sort());
  });

  it('renames the source and moves it to the link’s pipeline when they differ', async () => {
    await sync();
    await updateLinkById(
      db,
      link.id,
      { title: 'Support number', timeWindowDisabled: false, webhookUrl: link.webhookUrl ?? '', pipelineId: 3002 },
      NOW,
    );
    expect(await sync()).toMatchObject({ outcome: 'updated' });
    expect(fake.sourcesOf(link.accountId)).toEqual([
      expect.objectContaining({ name: 'Support number', pipeline_id: 3002, external_id: link.id }),
    ]);
    expect(await stored()).toMatchObject({ sourceState: 'synced' });
  });

  it('moves the source back to the main pipeline when the link returns to it', async () => {
    await updateLinkById(db, link.id, { pipelineId: 3002 }, NOW);
    await sync();
    expect(fake.sourcesOf(link.accountId)).toEqual([expect.objectContaining({ pipeline_id: 3002 })]);
    await updateLinkById(db, link.id, { pipelineId: null }, NOW);
    expect(await sync()).toMatchObject({ outcome: 'updated' });
    // 3001 is the fake account's main pipeline.
    expect(fake.sourcesOf(link.accountId)).toEqual([
      expect.objectContaining({ name: 'Sales number', pipeline_id: 3001 }),
    ]);
    expect(await stored()).toMatchObject({ sourceState: 'synced' });
    // In the main pipeline already: nothing to move.
    expect(await sync()).toMatchObject({ outcome: 'unchanged' });
  });

  it('keeps the source pending when the link changed while the sync ran', async () => {
    const result = await handleSourceSync(deps(), { kind: 'amocrm.sync_source', linkId: link.id });
    expect(result).toMatchObject({ outcome: 'created' });
    const [source] = fake.sourcesOf(link.accountId);
    // A rename lands between amoCRM's answer and the job's commit.
    await updateLinkById(db, link.id, { title: 'Renamed' }, NOW);
    await result.effects?.(db, NOW);
    expect(await stored()).toEqual({ sourceId: source?.id, sourceState: 'pending', sourceError: null });
    // The rename's own sync settles it.
    expect(await sync()).toMatchObject({ outcome: 'updated' });
    expect(await stored()).toMatchObject({ sourceState: 'synced' });
  });

  it('retries a refused deletion of an unlinked link’s source instead of giving up on it', async () => {
    await sync();
    await unlinkLinkById(db, link.id, NOW);
    fake.fail(link.accountId, { code: 'invalid_request', method: 'deleteSource', times: 1 });
    const failure = classifyJobError(await failureOf());
    expect(failure).toMatchObject({ code: 'amocrm_invalid_request', retryable: true });
    expect(fake.sourcesOf(link.accountId)).toHaveLength(1);
    expect(await sync()).toMatchObject({ outcome: 'deleted' });
    expect(fake.sourcesOf(link.accountId)).toEqual([]);
  });

  it('deletes the source once the link is unlinked, and clears it', async () => {
    await sync();
    await unlinkLinkById(db, link.id, NOW);
    expect(await sync()).toMatchObject({ outcome: 'deleted' });
    expect(fake.sourcesOf(link.accountId)).toEqual([]);
    expect(await stored()).toEqual({ sourceId: null, sourceState: 'pending', sourceError: null });
    // Already gone: nothing more to do.
    expect(await sync()).toMatchObject({ outcome: 'skipped' });
  });

  it('deletes a source created by an attempt whose answer was lost, once the link is unlinked', async () => {
    fake.putSource(link.accountId, { name: 'Sales number', external_id: link.id });
    fake.putSource(link.accountId, { name: 'Not ours', external_id: 'other-link' });
    await unlinkLinkById(db, link.id, NOW);
    expect(await sync()).toMatchObject({ outcome: 'deleted' });
    expect(fake.sourcesOf(link.accountId).map((s) => s.external_id)).toEqual(['other-link']);
  });

  it('treats a source deleted in amoCRM meanwhile as deleted', async () => {
    await sync();
    const [source] = fake.sourcesOf(link.accountId);
    const gone: AmocrmClient = {
      ...fake.client,
      deleteSource: async () => {
        throw new AmocrmError('not_found', 'gone', { endpoint: 'DELETE /api/v4/sources/{id}', status: 404 });
      },
    };
    await unlinkLinkById(db, link.id, NOW);
    expect(source).toBeDefined();
    expect(await sync(gone)).toMatchObject({ outcome: 'deleted' });
    expect(await stored()).toMatchObject({ sourceId: null });
  });

  it('marks amoCRM’s 400 as failed with its reason, and finishes the job', async () => {
    await updateLinkById(
      db,
      link.id,
      { title: 'Sales number', timeWindowDisabled: false, webhookUrl: link.webhookUrl ?? '', pipelineId: 999 },
      NOW,
    );
    expect(await sync()).toMatchObject({ outcome: 'failed' });
    const { sourceState, sourceError } = await stored();
    expect(sourceState).toBe('failed');
    expect(sourceError).toMatch(/^amocrm_invalid_request: NotFound pipeline_id/);
  });

  it('retries a 5xx through the outbox and marks the source failed only when the job gives up', async () => {
    fake.fail(link.accountId, { code: 'upstream_error', method: 'sources' });
    const error = await failureOf();
    const failure = classifyJobError(error);
    expect(failure).toMatchObject({ code: 'amocrm_upstream_error', retryable: true });
    expect(await stored()).toMatchObject({ sourceState: 'pending' });
    await failure.onDead?.(db, NOW);
    expect(await stored()).toEqual({ sourceId: null, sourceState: 'failed', sourceError: 'amocrm_upstream_error' });
  });

  it('dead-letters as amocrm_unavailable without an amoCRM client', async () => {
    const error = await failureOf(null as unknown as undefined);
    expect(error).toBeInstanceOf(RelayJobError);
    expect(classifyJobError(error)).toMatchObject({ code: 'amocrm_unavailable', retryable: false });
  });

  it('parks while the installation is removed', async () => {
    await setLinkParked(db, link.accountId, true, NOW);
    expect(classifyJobError(await failureOf())).toMatchObject({ code: LINK_PARKED });
    expect(fake.calls).toEqual([]);
  });
});
