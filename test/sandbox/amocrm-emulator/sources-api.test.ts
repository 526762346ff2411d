import { describe, expect, it } from 'vitest';
import { createHarness, MANAGER, type Problem, RU } from './harness';

const EXT = 'c0ffee00-1234-4abc-8def-0123456789ab';

async function setup() {
  const h = createHarness({ rateLimitPerSecond: null });
  const admin = (await h.grantedPair()).access_token;
  const [sales, support, archive] = h.emulator.listPipelines(RU.id);
  return { h, admin, sales: sales!.id, support: support!.id, archive: archive!.id };
}

interface ValidationProblem extends Problem {
  'validation-errors': { request_id: string; errors: { code: string; path: string; detail: string }[] }[];
}

async function codesOf(response: Response): Promise<string[]> {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as ValidationProblem;
  expect(body).toMatchObject({ title: 'Bad Request', type: 'https://httpstatus.es/400', status: 400 });
  return body['validation-errors'].flatMap((item) => item.errors.map((e) => `${item.request_id}:${e.code}:${e.path}`));
}

describe('amoCRM emulator: /api/v4/sources', () => {
  it('lists by filter[external_id] as a string, a [] array or an indexed array; 204 when nothing matches', async () => {
    const { h, admin } = await setup();
    expect((await h.api('/api/v4/sources', admin)).status).toBe(204);
    const created = await h.write('POST', '/api/v4/sources', admin, [
      { name: 'A', external_id: 'a' },
      { name: 'B', external_id: 'b', request_id: 'mine' },
      { name: 'C', external_id: 'c d' },
    ]);
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/hal+json');
    const body = (await created.json()) as { _embedded: { sources: { request_id: string; external_id: string }[] } };
    expect(body._embedded.sources.map((s) => [s.request_id, s.external_id])).toEqual([
      ['0', 'a'],
      ['mine', 'b'],
      ['2', 'c d'],
    ]);
    const ids = async (query: string) => {
      const response = await h.api(`/api/v4/sources?${query}`, admin);
      if (response.status === 204) return [];
      const list = (await response.json()) as { _embedded: { sources: { external_id: string }[] } };
      return list._embedded.sources.map((s) => s.external_id);
    };
    expect(await ids('filter[external_id]=b')).toEqual(['b']);
    expect(await ids('filter%5Bexternal_id%5D%5B%5D=a&filter%5Bexternal_id%5D%5B%5D=c%20d')).toEqual(['a', 'c d']);
    expect(await ids('filter[external_id][0]=a&filter[external_id][1]=b')).toEqual(['a', 'b']);
    expect(await ids('filter[external_id]=zzz')).toEqual([]);
    expect(await ids('')).toEqual(['a', 'b', 'c d']);
  });

  it('answers GET /{id} with the source, and 204 for an unknown or deleted one', async () => {
    const { h, admin, sales } = await setup();
    await h.write('POST', '/api/v4/sources', admin, [{ name: 'A', external_id: EXT }]);
    const [source] = h.emulator.listSources(RU.id);
    const one = await h.api(`/api/v4/sources/${source!.id}`, admin);
    expect(await one.json()).toMatchObject({
      id: source!.id,
      name: 'A',
      external_id: EXT,
      pipeline_id: sales,
      default: false,
      origin_code: null,
      services: [],
      _links: { self: { href: `https://acme.amocrm.ru/api/v4/sources/${source!.id}` } },
    });
    expect((await h.api('/api/v4/sources/1', admin)).status).toBe(204);
    expect((await h.api(`/api/v4/sources/${source!.id}`, admin, { method: 'DELETE' })).status).toBe(204);
    const gone = await h.api(`/api/v4/sources/${source!.id}`, admin);
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe('');
  });

  it('refuses a body that is not a JSON array of 1 to 50 sources', async () => {
    const { h, admin } = await setup();
    expect(await codesOf(await h.write('POST', '/api/v4/sources', admin, { name: 'A', external_id: 'a' }))).toEqual([
      '0:InvalidType:',
    ]);
    expect(await codesOf(await h.write('POST', '/api/v4/sources', admin, []))).toEqual(['0:InvalidType:']);
    const fiftyOne = Array.from({ length: 51 }, (_, n) => ({ name: `n${n}`, external_id: `e${n}` }));
    const tooMany = await h.write('POST', '/api/v4/sources', admin, fiftyOne);
    expect(tooMany.status).toBe(400);
    expect(tooMany.headers.get('x-emulator-reject')).toBe('batch_too_large');
    const plain = await h.api('/api/v4/sources', admin, { method: 'POST', body: '[]' });
    expect(plain.headers.get('x-emulator-reject')).toBe('unsupported_content_type');
    const broken = await h.api('/api/v4/sources', admin, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '[{',
    });
    expect(broken.headers.get('x-emulator-reject')).toBe('malformed_body');
    expect(h.emulator.listSources()).toEqual([]);
  });

  it('checks every field of every item and stores nothing of a refused batch', async () => {
    const { h, admin } = await setup();
    await h.write('POST', '/api/v4/sources', admin, [{ name: 'Taken', external_id: 'taken' }]);
    const response = await h.write('POST', '/api/v4/sources', admin, [
      { name: 'ok', external_id: 'fine' },
      { external_id: 'no-name' },
      { name: 'long', external_id: 'x'.repeat(37) },
      { name: 'cyrillic', external_id: 'номер' },
      { name: 'tab', external_id: 'a\tb' },
      { name: 'dup', external_id: 'taken' },
      { name: 'null pipeline', external_id: 'np', pipeline_id: null },
      { name: 'no pipeline', external_id: 'up', pipeline_id: 1 },
      { name: 'same twice', external_id: 'fine' },
      { name: 'no id', pipeline_id: 'x' },
      { name: 'telegram', external_id: 'tg', services: [{ type: 'telegram' }] },
    ]);
    expect(await codesOf(response)).toEqual([
      '1:FieldMissing:name',
      '2:LengthExceeded:external_id',
      '3:InvalidFormat:external_id',
      '4:InvalidFormat:external_id',
      '5:NotUnique:external_id',
      '6:InvalidType:pipeline_id',
      '7:NotFound:pipeline_id',
      '8:NotUnique:external_id',
      '9:FieldMissing:external_id',
      '9:InvalidType:pipeline_id',
      '10:NotSupportedChoice:services.0.type',
    ]);
    expect(h.emulator.listSources().map((s) => s.externalId)).toEqual(['taken']);
  });

  it('takes an archived pipeline, and keeps one default: a new default takes it over; two in a batch are refused', async () => {
    const { h, admin, archive } = await setup();
    const first = await h.write('POST', '/api/v4/sources', admin, [
      { name: 'A', external_id: 'a', default: true, pipeline_id: archive },
    ]);
    expect(first.status).toBe(200);
    expect(
      await codesOf(
        await h.write('POST', '/api/v4/sources', admin, [
          { name: 'B', external_id: 'b', default: true },
          { name: 'C', external_id: 'c', default: true },
        ]),
      ),
    ).toEqual(['1:NotUnique:default']);
    await h.write('POST', '/api/v4/sources', admin, [{ name: 'B', external_id: 'b', default: true }]);
    expect(h.emulator.listSources(RU.id).map((s) => [s.externalId, s.isDefault, s.pipelineId])).toEqual([
      ['a', false, archive],
      ['b', true, expect.any(Number)],
    ]);
  });

  it('keeps 100 live sources at most, the 101st refused in the same batch or the next one', async () => {
    const { h, admin } = await setup();
    for (let batch = 0; batch < 2; batch++) {
      const items = Array.from({ length: 50 }, (_, n) => ({ name: `n${n}`, external_id: `b${batch}-${n}` }));
      expect((await h.write('POST', '/api/v4/sources', admin, items)).status).toBe(200);
    }
    expect(await codesOf(await h.write('POST', '/api/v4/sources', admin, [{ name: 'x', external_id: 'x' }]))).toEqual([
      '0:LimitExceeded:',
    ]);
    const [oldest] = h.emulator.listSources(RU.id);
    expect((await h.api(`/api/v4/sources/${oldest!.id}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect(
      await codesOf(
        await h.write('POST', '/api/v4/sources', admin, [
          { name: 'x', external_id: 'x' },
          { name: 'y', external_id: 'y' },
        ]),
      ),
    ).toEqual(['1:LimitExceeded:']);
    // A deleted source's external_id may be used again (sources-api.md: "only create a new source with it").
    const again = await h.write('POST', '/api/v4/sources', admin, [{ name: 'again', external_id: oldest!.externalId }]);
    expect(again.status).toBe(200);
  });

  it('patches by /{id} with one object and in batches with ids; external_id never changes', async () => {
    const { h, admin, support } = await setup();
    await h.write('POST', '/api/v4/sources', admin, [
      { name: 'A', external_id: 'a' },
      { name: 'B', external_id: 'b' },
    ]);
    const [a, b] = h.emulator.listSources(RU.id);
    const one = await h.write('PATCH', `/api/v4/sources/${a!.id}`, admin, { name: 'A2', external_id: 'a' });
    expect(await one.json()).toMatchObject({ id: a!.id, name: 'A2', external_id: 'a' });
    expect(
      await codesOf(await h.write('PATCH', `/api/v4/sources/${a!.id}`, admin, { external_id: 'changed' })),
    ).toEqual(['0:ImmutableField:external_id']);
    expect(await codesOf(await h.write('PATCH', `/api/v4/sources/${a!.id}`, admin, [{ name: 'x' }]))).toEqual([
      '0:InvalidType:',
    ]);
    const batch = await h.write('PATCH', '/api/v4/sources', admin, [
      { id: a!.id, pipeline_id: support },
      { id: b!.id, name: 'B2', request_id: 'r' },
    ]);
    const listed = (await batch.json()) as { _embedded: { sources: { id: number; request_id: string }[] } };
    expect(listed._embedded.sources.map((s) => [s.id, s.request_id])).toEqual([
      [a!.id, '0'],
      [b!.id, 'r'],
    ]);
    expect(
      await codesOf(
        await h.write('PATCH', '/api/v4/sources', admin, [
          { name: 'no id' },
          { id: 1, name: 'unknown' },
          { id: a!.id, name: '' },
        ]),
      ),
    ).toEqual(['0:FieldMissing:id', '1:EntityNotFound:id', '2:FieldMissing:name']);
    expect(h.emulator.listSources(RU.id).map((s) => [s.name, s.externalId, s.pipelineId === support])).toEqual([
      ['A2', 'a', true],
      ['B2', 'b', false],
    ]);
    expect((await h.write('PATCH', '/api/v4/sources/1', admin, { name: 'x' })).status).toBe(404);
  });

  it('deletes by /{id} (404 when unknown) and in a batch, refusing the whole batch with `errors` when an id is unknown', async () => {
    const { h, admin } = await setup();
    await h.write('POST', '/api/v4/sources', admin, [
      { name: 'A', external_id: 'a' },
      { name: 'B', external_id: 'b' },
    ]);
    const [a, b] = h.emulator.listSources(RU.id);
    const missing = await h.api('/api/v4/sources/31075178', admin, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    const refused = await h.write('DELETE', '/api/v4/sources', admin, [{ id: a!.id }, { id: 31075178 }]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      errors: [
        {
          request_id: '1',
          errors: { code: 'EntityNotFound', path: 'id', detail: 'source with id = 31075178 not found' },
        },
      ],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Invalid request items',
    });
    expect(h.emulator.listSources(RU.id).filter((s) => s.deletedAt === undefined)).toHaveLength(2);
    const done = await h.write('DELETE', '/api/v4/sources', admin, [{ id: a!.id }, { id: b!.id }]);
    expect(done.status).toBe(204);
    expect((await h.api('/api/v4/sources', admin)).status).toBe(204);
  });

  it("refuses a manager's token on every sources call (admin rights), before looking at the body", async () => {
    const { h } = await setup();
    const manager = (await h.grantedPair(RU.id, MANAGER.id)).access_token;
    for (const [method, path] of [
      ['GET', '/api/v4/sources'],
      ['POST', '/api/v4/sources'],
      ['PATCH', '/api/v4/sources/1'],
      ['DELETE', '/api/v4/sources/1'],
    ] as const) {
      const response = await h.write(method, path, manager, method === 'GET' ? undefined : [{}]);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    expect((await h.api('/api/v4/sources', undefined)).status).toBe(401);
  });
});
