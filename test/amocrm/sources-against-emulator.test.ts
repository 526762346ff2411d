import { afterEach, describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { MANAGER, RU } from '../sandbox/amocrm-emulator/harness';
import { startEmulatorClient } from './helpers/emulator-client';

type Started = Awaited<ReturnType<typeof startEmulatorClient>>;
const LINK_A = '3f2b8c1e-6a4d-4e8f-9b1a-0c2d3e4f5a6b';
const LINK_B = '7d9e0f1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a';

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('AmocrmClient sources against the amoCRM emulator', () => {
  let s: Started;
  afterEach(async () => s?.close());

  const pipelineIds = () => {
    const [sales, support, archive] = s.emulator.listPipelines(RU.id);
    return { main: sales!.id, support: support!.id, archived: archive!.id };
  };

  it('answers an empty list for amoCRM 204, with no sources and with no match', async () => {
    s = await startEmulatorClient();
    expect(await s.client.sources(RU.id)).toEqual([]);
    await s.client.createSource(RU.id, { name: 'Sales line', external_id: LINK_A, pipeline_id: null });
    expect(await s.client.sources(RU.id, [LINK_B])).toEqual([]);
    expect(s.emulator.stats().apiStatuses['204']).toBe(2);
  });

  it('creates a source in the main pipeline when none is named, and finds it by external_id', async () => {
    s = await startEmulatorClient();
    const created = await s.client.createSource(RU.id, { name: 'Sales line', external_id: LINK_A, pipeline_id: null });
    expect(created).toMatchObject({ name: 'Sales line', external_id: LINK_A, pipeline_id: pipelineIds().main });
    // null is not an int: the client leaves the field out rather than send it.
    expect(JSON.parse(s.sent.at(-1)!.body!)).toEqual([{ name: 'Sales line', external_id: LINK_A }]);
    expect(await s.client.sources(RU.id, [LINK_A])).toEqual([expect.objectContaining({ id: created.id })]);
    expect(s.sent.at(-1)!.url).toBe(`${s.running.url}/api/v4/sources?filter%5Bexternal_id%5D=${LINK_A}`);
  });

  it('asks for several external ids as a repeated filter[external_id][] key', async () => {
    s = await startEmulatorClient();
    const { support, archived } = pipelineIds();
    await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: support });
    // An archived pipeline may carry a source (crm-rest §4.2).
    await s.client.createSource(RU.id, { name: 'B', external_id: LINK_B, pipeline_id: archived });
    await s.client.createSource(RU.id, { name: 'C', external_id: 'other', pipeline_id: null });
    const found = await s.client.sources(RU.id, [LINK_A, LINK_B]);
    expect(found.map((source) => [source.external_id, source.pipeline_id])).toEqual([
      [LINK_A, support],
      [LINK_B, archived],
    ]);
    const query = new URL(s.sent.at(-1)!.url).search;
    expect(query).toBe(`?filter%5Bexternal_id%5D%5B%5D=${LINK_A}&filter%5Bexternal_id%5D%5B%5D=${LINK_B}`);
    expect(await s.client.sources(RU.id, [])).toEqual([]);
    expect(await s.client.sources(RU.id)).toHaveLength(3);
  });

  it("refuses the 101st source with amoCRM's 400 as invalid_request; a deleted one frees its place", async () => {
    // 100 creates at the client's 7/s would take 15 s; the limit is not what this test is about.
    s = await startEmulatorClient({ clientRatePerSecond: 1000 });
    const first = await s.client.createSource(RU.id, { name: 'n0', external_id: 'ext-0', pipeline_id: null });
    for (let n = 1; n < 100; n++) {
      await s.client.createSource(RU.id, { name: `n${n}`, external_id: `ext-${n}`, pipeline_id: null });
    }
    const error = await failure(
      s.client.createSource(RU.id, { name: 'n100', external_id: 'ext-100', pipeline_id: null }),
    );
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, retryable: false });
    expect(error.message).toContain('LimitExceeded');
    expect(error.message).not.toContain(s.accessToken);
    expect(JSON.stringify(error.details)).not.toContain(s.accessToken);
    await s.client.deleteSource(RU.id, first.id);
    await expect(
      s.client.createSource(RU.id, { name: 'n100', external_id: 'ext-100', pipeline_id: null }),
    ).resolves.toMatchObject({ external_id: 'ext-100' });
  });

  it.each([
    ['37 characters', 'x'.repeat(37), 'LengthExceeded at external_id'],
    ['a non-ASCII character', 'номер-1', 'InvalidFormat at external_id'],
    ['a taken id', LINK_A, 'NotUnique at external_id'],
  ])('refuses an external_id of %s, naming the code in the message', async (_what, externalId, code) => {
    s = await startEmulatorClient();
    await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null });
    const error = await failure(
      s.client.createSource(RU.id, { name: 'B', external_id: externalId, pipeline_id: null }),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(code);
    expect(error.message).toContain('Request validation failed');
    expect(await s.client.sources(RU.id)).toHaveLength(1);
  });

  it('refuses a pipeline the account does not have', async () => {
    s = await startEmulatorClient();
    const error = await failure(s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: 424242 }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('NotFound at pipeline_id');
  });

  it('renames and moves a source; pipeline null moves it back to the main pipeline', async () => {
    s = await startEmulatorClient();
    const { main, support } = pipelineIds();
    const created = await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null });
    const moved = await s.client.updateSource(RU.id, created.id, { name: 'Support line', pipeline_id: support });
    expect(moved).toMatchObject({ id: created.id, name: 'Support line', pipeline_id: support, external_id: LINK_A });
    expect(s.sent.at(-1)).toMatchObject({ method: 'PATCH', url: `${s.running.url}/api/v4/sources/${created.id}` });
    const back = await s.client.updateSource(RU.id, created.id, { name: 'Support line', pipeline_id: null });
    expect(back.pipeline_id).toBe(main);
    expect(s.emulator.listSources(RU.id)[0]).toMatchObject({ name: 'Support line', pipelineId: main });
  });

  it('reads a PATCH of a source that is gone as not_found', async () => {
    s = await startEmulatorClient();
    const created = await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null });
    await s.client.deleteSource(RU.id, created.id);
    const error = await failure(s.client.updateSource(RU.id, created.id, { name: 'B', pipeline_id: null }));
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it("deletes a source (204) and resolves amoCRM's 404 for one already gone", async () => {
    s = await startEmulatorClient();
    const created = await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null });
    await expect(s.client.deleteSource(RU.id, created.id)).resolves.toBeUndefined();
    await expect(s.client.deleteSource(RU.id, created.id)).resolves.toBeUndefined();
    expect(s.emulator.stats().apiStatuses).toMatchObject({ '204': 1, '404': 1 });
    expect(s.emulator.listSources(RU.id)).toEqual([
      expect.objectContaining({ id: created.id, deletedAt: expect.any(Number) }),
    ]);
    expect(await s.client.sources(RU.id)).toEqual([]);
  });

  it("is refused with a manager's token (sources are admin-only)", async () => {
    s = await startEmulatorClient({ userId: MANAGER.id });
    expect((await failure(s.client.sources(RU.id))).code).toBe('forbidden');
    expect(
      (await failure(s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null }))).code,
    ).toBe('forbidden');
  });

  it('retries a create only on 429: a 5xx may have created the source, so the caller decides', async () => {
    s = await startEmulatorClient();
    s.emulator.fault({ endpoint: 'sources', status: 429, count: 1 });
    await s.client.createSource(RU.id, { name: 'A', external_id: LINK_A, pipeline_id: null });
    s.emulator.fault({ endpoint: 'sources', status: 503, count: 1 });
    const error = await failure(s.client.createSource(RU.id, { name: 'B', external_id: LINK_B, pipeline_id: null }));
    expect(error).toMatchObject({ code: 'upstream_error', status: 503, retryable: false });
    expect(s.sent.filter((sent) => sent.method === 'POST')).toHaveLength(3);
    // Reads are retried as before.
    s.emulator.fault({ endpoint: 'sources', status: 502, count: 1 });
    expect(await s.client.sources(RU.id)).toHaveLength(1);
  });
});
