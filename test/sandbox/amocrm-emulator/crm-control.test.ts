import { describe, expect, it } from 'vitest';
import { createAmocrmEmulator } from '../../../src/sandbox/amocrm-emulator/create-amocrm-emulator';
import { ADMIN, CLIENT_ID, CLIENT_SECRET, createHarness, KOMMO, MANAGER, REDIRECT_URI, RU } from './harness';

function controlOf(h: ReturnType<typeof createHarness>) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await h.request(`/_control${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: each test asserts the shape of the answer it reads
    return { status: response.status, body: (await response.json()) as any };
  };
}

describe('amoCRM emulator: control API for pipelines, contacts, sources and bindings', () => {
  it('seeds three pipelines per account unless told otherwise, and adds, archives and removes them', async () => {
    const h = createHarness();
    const control = controlOf(h);
    const listed = await control('GET', `/pipelines?accountId=${RU.id}`);
    expect(
      listed.body.map((p: { name: string; isMain: boolean; isArchive: boolean }) => [p.name, p.isMain, p.isArchive]),
    ).toEqual([
      ['Sales', true, false],
      ['Support', false, false],
      ['Archive', false, true],
    ]);
    expect((await control('GET', '/pipelines')).body).toHaveLength(6);
    const added = await control('POST', '/pipelines', { accountId: RU.id, name: 'Wholesale', isMain: true });
    expect(added).toMatchObject({ status: 200, body: { name: 'Wholesale', isMain: true, sort: 4 } });
    const pipelines = (await control('GET', `/pipelines?accountId=${RU.id}`)).body as { id: number; isMain: boolean }[];
    expect(pipelines.filter((p) => p.isMain).map((p) => p.id)).toEqual([added.body.id]);
    const sales = pipelines[0]!.id;
    expect((await control('POST', '/pipelines/archive', { pipelineId: sales, archived: true })).body.isArchive).toBe(
      true,
    );
    expect((await control('DELETE', '/pipelines', { pipelineId: added.body.id })).status).toBe(409);
    expect((await control('DELETE', '/pipelines', { pipelineId: sales })).body).toEqual({ removed: true });
    expect((await control('DELETE', '/pipelines', { pipelineId: sales })).status).toBe(404);
    expect((await control('POST', '/pipelines', { accountId: RU.id })).status).toBe(400);
    expect((await control('POST', '/pipelines', { accountId: 1, name: 'x' })).status).toBe(404);
    expect((await control('GET', '/pipelines?accountId=abc')).status).toBe(400);
  });

  it('starts with the pipelines given as options, and only those', () => {
    const emulator = createAmocrmEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      accounts: [RU, KOMMO],
      users: [ADMIN, MANAGER, { id: 601, accountId: KOMMO.id, name: 'K', isAdmin: true }],
      pipelines: [{ id: 77, accountId: RU.id, name: 'Only', isMain: true }],
    });
    expect(emulator.listPipelines(RU.id).map((p) => [p.id, p.name])).toEqual([[77, 'Only']]);
    expect(emulator.listPipelines(KOMMO.id)).toHaveLength(3);
  });

  it('adds contacts (responsible: the current user unless named) and lists them', async () => {
    const h = createHarness();
    const control = controlOf(h);
    const added = await control('POST', '/contacts', { accountId: RU.id, name: 'Vera', phones: ['+7 900 000 00 01'] });
    expect(added.body).toMatchObject({
      name: 'Vera',
      phones: ['+7 900 000 00 01'],
      emails: [],
      responsibleUserId: ADMIN.id,
    });
    await control('POST', '/contacts', { accountId: RU.id, name: 'Mila', responsibleUserId: MANAGER.id });
    expect((await control('GET', `/contacts?accountId=${RU.id}`)).body.map((c: { name: string }) => c.name)).toEqual([
      'Vera',
      'Mila',
    ]);
    expect((await control('GET', `/contacts?accountId=${KOMMO.id}`)).body).toEqual([]);
    expect((await control('POST', '/contacts', { accountId: RU.id, name: 'X', responsibleUserId: 601 })).status).toBe(
      404,
    );
    expect((await control('POST', '/contacts', { accountId: RU.id, name: 'X', phones: 'one' })).status).toBe(400);
  });

  it('lists sources (deleted ones marked) and chat bindings (replaced ones marked), and shows them in state', async () => {
    const h = createHarness({ rateLimitPerSecond: null });
    const control = controlOf(h);
    const admin = (await h.grantedPair()).access_token;
    const contact = (await control('POST', '/contacts', { accountId: RU.id, name: 'Vera' })).body as { id: number };
    await h.write('POST', '/api/v4/sources', admin, [
      { name: 'A', external_id: 'a' },
      { name: 'B', external_id: 'b' },
    ]);
    const [a] = (await control('GET', `/sources?accountId=${RU.id}`)).body as { id: number }[];
    await h.api(`/api/v4/sources/${a!.id}`, admin, { method: 'DELETE' });
    const chat = '5f0e9d8c-7b6a-4594-8372-61504f3e2d1c';
    await h.write('POST', '/api/v4/contacts/chats', admin, [{ chat_id: chat, contact_id: contact.id }]);
    await h.write('POST', '/api/v4/contacts/chats', admin, [{ chat_id: chat, contact_id: contact.id }]);

    const sources = (await control('GET', '/sources')).body as { externalId: string; deletedAt?: number }[];
    expect(sources.map((s) => [s.externalId, s.deletedAt !== undefined])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    const bindings = (await control('GET', `/chat-bindings?accountId=${RU.id}`)).body as { replacedAt?: number }[];
    expect(bindings.map((b) => b.replacedAt !== undefined)).toEqual([true, false]);
    const state = (await control('GET', '/state')).body;
    expect(state.sources).toHaveLength(2);
    expect(state.chatBindings).toHaveLength(2);
    expect(state.contacts).toHaveLength(1);
    expect(state.pipelines).toHaveLength(6);
    expect((await control('GET', '/sources?accountId=1')).status).toBe(404);
  });

  it('queues faults and latency for the new endpoints, each on its own queue', async () => {
    const slept: number[] = [];
    const h = createHarness({
      rateLimitPerSecond: null,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const control = controlOf(h);
    const admin = (await h.grantedPair()).access_token;
    for (const endpoint of ['sources', 'pipelines', 'contacts', 'contacts_chats']) {
      expect((await control('POST', '/faults', { endpoint, status: 503, count: 1 })).status).toBe(200);
    }
    expect((await h.api('/api/v4/leads/pipelines', admin)).status).toBe(503);
    expect((await h.api('/api/v4/leads/pipelines', admin)).status).toBe(200);
    expect((await h.api('/api/v4/sources/5', admin)).status).toBe(503);
    expect((await h.api('/api/v4/contacts/chats?chat_id=x', admin)).status).toBe(503);
    expect((await h.api('/api/v4/contacts', admin)).status).toBe(503);
    expect((await h.api('/api/v4/contacts', admin)).status).toBe(204);
    await control('POST', '/faults', { endpoint: 'sources', latencyMs: 250 });
    await h.api('/api/v4/sources', admin);
    expect(slept).toEqual([250]);
    expect((await control('POST', '/faults', { endpoint: 'leads', status: 503, count: 1 })).status).toBe(400);
  });
});
