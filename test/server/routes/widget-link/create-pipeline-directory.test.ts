import { describe, expect, it } from 'vitest';
import { AmocrmError } from '../../../../src/amocrm/amocrm-error';
import type { AmocrmPipeline } from '../../../../src/contracts/amocrm';
import { createPipelineDirectory } from '../../../../src/server/routes/widget-link/create-pipeline-directory';

const SALES: AmocrmPipeline = { id: 1, name: 'Sales', sort: 1, is_main: true, is_archive: false };

/** A client whose answers the test releases by hand, counting the requests. */
function deferredClient() {
  const pending: Array<{ resolve: (value: AmocrmPipeline[]) => void; reject: (error: unknown) => void }> = [];
  const client = {
    pipelines: (_accountId: number) =>
      new Promise<AmocrmPipeline[]>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
  return { client, pending };
}

describe('createPipelineDirectory', () => {
  it('shares one amoCRM request between calls that overlap, per account', async () => {
    const { client, pending } = deferredClient();
    const directory = createPipelineDirectory({ client, now: () => 0, ttlMs: 60_000, maxAccounts: 10 });
    const first = directory.list(7);
    const second = directory.list(7);
    const other = directory.list(8);
    expect(pending).toHaveLength(2);
    pending[0]?.resolve([SALES]);
    pending[1]?.resolve([]);
    expect(await first).toEqual([{ id: 1, name: 'Sales', is_main: true }]);
    expect(await second).toEqual(await first);
    expect(await other).toEqual([]);
  });

  it('keeps no failure: the next call asks amoCRM again', async () => {
    const { client, pending } = deferredClient();
    const directory = createPipelineDirectory({ client, now: () => 0, ttlMs: 60_000, maxAccounts: 10 });
    const failed = directory.list(7);
    pending[0]?.reject(new AmocrmError('upstream_error', 'down', { endpoint: 'GET /api/v4/leads/pipelines' }));
    await expect(failed).rejects.toBeInstanceOf(AmocrmError);
    const again = directory.list(7);
    expect(pending).toHaveLength(2);
    pending[1]?.resolve([SALES]);
    expect(await again).toHaveLength(1);
  });

  it('forgets the oldest account beyond maxAccounts', async () => {
    const { client, pending } = deferredClient();
    const directory = createPipelineDirectory({ client, now: () => 0, ttlMs: 60_000, maxAccounts: 1 });
    for (const accountId of [1, 2, 1]) {
      const listed = directory.list(accountId);
      pending.at(-1)?.resolve([SALES]);
      await listed;
    }
    expect(pending).toHaveLength(3);
  });
});
