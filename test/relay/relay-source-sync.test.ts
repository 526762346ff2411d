import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceSyncJob } from '../../src/jobs/amocrm-jobs';
import { findLinkById } from '../../src/store/links-repo';
import { enqueue } from '../../src/store/outbox-repo';
import { createFakeAmocrmClient, type FakeAmocrmClient } from '../helpers/fake-amocrm-client';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// The worker runs `amocrm.sync_source` jobs with the amoCRM client it was given, retrying what amoCRM failed.
describe('relay: source syncs through the worker', () => {
  let h: RelayHarness;
  let fake: FakeAmocrmClient;
  beforeEach(async () => {
    fake = createFakeAmocrmClient();
    h = await startRelayHarness({ worker: { amocrm: fake.client } });
    fake.setAccount(h.link.accountId, { subdomain: h.link.subdomain, amojoId: h.link.amojoId });
  });
  afterEach(async () => {
    await h.close();
  });

  const job = async () => {
    const { job: row } = await enqueue(h.db, sourceSyncJob(h.link.id, Date.now()), Date.now());
    h.worker.notify();
    return row.id;
  };
  const rowOf = (id: number) => h.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('retries amoCRM’s 5xx and then creates the source once', async () => {
    fake.fail(h.link.accountId, { code: 'upstream_error', method: 'createSource', times: 2 });
    const id = await job();
    await waitFor('the sync done', async () => (await rowOf(id)).status === 'done');
    expect((await rowOf(id)).attempts).toBe(3);
    const sources = fake.sourcesOf(h.link.accountId);
    expect(sources).toEqual([expect.objectContaining({ external_id: h.link.id, name: h.link.title })]);
    expect(await findLinkById(h.db, h.link.id)).toMatchObject({ sourceId: sources[0]?.id, sourceState: 'synced' });
  });

  it('dead-letters a sync amoCRM keeps failing, and shows the source as failed', async () => {
    fake.fail(h.link.accountId, { code: 'upstream_error', method: 'sources' });
    const id = await job();
    await waitFor('the sync dead', async () => (await rowOf(id)).status === 'dead');
    expect(await findLinkById(h.db, h.link.id)).toMatchObject({
      sourceId: null,
      sourceState: 'failed',
      sourceError: 'amocrm_upstream_error',
    });
  });
});
