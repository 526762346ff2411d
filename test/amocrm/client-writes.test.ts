import { describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createAmocrmClient } from '../../src/amocrm/create-amocrm-client';
import type { FetchLike } from '../../src/egress/fetch-like';

const TOKEN = 'secret-access-token-123';
const SOURCE = { id: 9, name: 'Line', external_id: 'ext', pipeline_id: 5 };

/** A client over a script of answers; records method, URL and body of each request. */
function setup(answer: (n: number) => [number, unknown?] | Error) {
  const sent: { method: string; url: string; body?: string }[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    sent.push({ method: init.method ?? 'GET', url, ...(typeof init.body === 'string' ? { body: init.body } : {}) });
    const result = answer(sent.length);
    if (result instanceof Error) throw result;
    const [status, body] = result;
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: () => null },
      text: async () => (body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    };
  };
  const client = createAmocrmClient({
    tokens: {
      access: async () => ({ baseUrl: 'https://acme.amocrm.ru', accessToken: TOKEN }),
      refreshAfterUnauthorized: async () => {
        throw new Error('not in this test');
      },
    },
    fetch,
    sleep: async () => {},
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return { client, sent };
}

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('AmocrmClient writes', () => {
  it("puts amoCRM's detail and codes in a 400's message, and an echoed token in neither message nor details", async () => {
    const { client } = setup(() => [
      400,
      {
        'validation-errors': [{ request_id: '0', errors: [{ code: 'NotUnique', path: 'external_id', detail: TOKEN }] }],
        title: 'Bad Request',
        status: 400,
        detail: `Request validation failed for ${TOKEN}`,
      },
    ]);
    const error = await failure(client.createSource(31, { name: 'n', external_id: 'ext', pipeline_id: 5 }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('amoCRM POST /api/v4/sources: 400 [redacted] (NotUnique at external_id)');
    expect(JSON.stringify(error.details)).not.toContain(TOKEN);
    expect(`${error.message}${String(error.stack)}`).not.toContain(TOKEN);
  });

  it("reads the batch delete's `errors` shape into the message", async () => {
    const { client } = setup(() => [
      400,
      {
        errors: [{ request_id: '0', errors: { code: 'EntityNotFound', path: 'id' } }],
        detail: 'Invalid request items',
      },
    ]);
    const error = await failure(client.findContacts(31, 'x'));
    expect(error.message).toContain('400 Invalid request items (EntityNotFound at id)');
  });

  it('does not retry a create after a timeout or network failure, but retries a PATCH', async () => {
    const lost = setup(() => new TypeError('fetch failed'));
    expect((await failure(lost.client.createSource(31, { name: 'n', external_id: 'e', pipeline_id: 5 }))).code).toBe(
      'network_error',
    );
    expect(lost.sent).toHaveLength(1);
    const patch = setup((n) => (n === 1 ? new TypeError('fetch failed') : [200, SOURCE]));
    expect(await patch.client.updateSource(31, 9, { name: 'Line', pipeline_id: 5 })).toMatchObject(SOURCE);
    expect(patch.sent.map((s) => s.method)).toEqual(['PATCH', 'PATCH']);
    expect(JSON.parse(patch.sent[0]!.body!)).toEqual({ name: 'Line', pipeline_id: 5 });
  });

  it('takes a PATCH answer as the one model or as the collection', async () => {
    const { client } = setup(() => [200, { _embedded: { sources: [SOURCE] } }]);
    expect(await client.updateSource(31, 9, { name: 'Line', pipeline_id: 5 })).toMatchObject(SOURCE);
  });

  it('asks for the main pipeline when a source goes back to "no pipeline"', async () => {
    const pipelines = {
      _embedded: {
        pipelines: [
          { id: 4, name: 'Other', is_main: false, is_archive: false },
          { id: 5, name: 'Main', is_main: true, is_archive: false },
        ],
      },
    };
    const { client, sent } = setup((n) => (n === 1 ? [200, pipelines] : [200, SOURCE]));
    await client.updateSource(31, 9, { name: 'Line', pipeline_id: null });
    expect(sent.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      'GET /api/v4/leads/pipelines',
      'PATCH /api/v4/sources/9',
    ]);
    expect(JSON.parse(sent[1]!.body!)).toEqual({ name: 'Line', pipeline_id: 5 });
  });

  it('resolves a DELETE on 204 and 404, and rejects a 403', async () => {
    expect(await setup(() => [204]).client.deleteSource(31, 9)).toBeUndefined();
    expect(await setup(() => [404, { title: 'Not Found', status: 404 }]).client.deleteSource(31, 9)).toBeUndefined();
    expect((await failure(setup(() => [403, { status: 403 }]).client.deleteSource(31, 9))).code).toBe('forbidden');
  });

  it('sends nothing for ids that cannot be right', async () => {
    const { client, sent } = setup(() => [200, {}]);
    for (const call of [
      client.deleteSource(31, 0),
      client.updateSource(31, -1, { name: 'x', pipeline_id: 1 }),
      client.bindChatToContact(31, 'chat', 1.5),
      client.findContacts(31, 'x', 0),
    ]) {
      expect((await failure(call)).code).toBe('invalid_request');
    }
    expect(sent).toEqual([]);
  });

  it('answers [] for a 204 on sources and contacts, and refuses a 204 on a create', async () => {
    expect(await setup(() => [204]).client.sources(31, ['a', 'b'])).toEqual([]);
    expect(await setup(() => [204]).client.findContacts(31, '+7 900')).toEqual([]);
    const created = await failure(
      setup(() => [204]).client.createSource(31, { name: 'n', external_id: 'e', pipeline_id: 1 }),
    );
    expect(created.code).toBe('not_found');
    const bound = setup(() => [200, { _embedded: { chats: [{ chat_id: 'c', contact_id: 3, id: 8 }] } }]);
    expect(await bound.client.bindChatToContact(31, 'c', 3)).toEqual({ chat_id: 'c', contact_id: 3, id: 8 });
    expect(JSON.parse(bound.sent[0]!.body!)).toEqual([{ chat_id: 'c', contact_id: 3 }]);
  });
});
