import { describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createFakeAmocrmClient, FAKE_PIPELINES } from '../helpers/fake-amocrm-client';

const ACCOUNT = 31;
const LINK = '0f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a';

function setup() {
  const fake = createFakeAmocrmClient({
    [ACCOUNT]: {
      subdomain: 'acme',
      amojoId: 'amojo-31',
      admins: [7],
      contacts: [
        { id: 1, name: 'Anna', phones: ['+7 900 111 22 33'], emails: ['anna@shop.example'] },
        { id: 2, name: 'Boris', phones: ['8 900 111 22 33'] },
      ],
    },
  });
  return { fake, client: fake.client };
}

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('the fake AmocrmClient (what other tests rely on)', () => {
  it('creates, finds, renames, moves and deletes sources, recording each call', async () => {
    const { fake, client } = setup();
    expect(await client.sources(ACCOUNT, [LINK])).toEqual([]);
    const created = await client.createSource(ACCOUNT, { name: 'Line', external_id: LINK, pipeline_id: null });
    expect(created).toMatchObject({ name: 'Line', external_id: LINK, pipeline_id: 3001 });
    expect(await client.sources(ACCOUNT, [LINK])).toEqual([created]);
    const moved = await client.updateSource(ACCOUNT, created.id, { name: 'Renamed', pipeline_id: 3003 });
    expect(moved).toMatchObject({ id: created.id, name: 'Renamed', pipeline_id: 3003, external_id: LINK });
    await client.deleteSource(ACCOUNT, created.id);
    await client.deleteSource(ACCOUNT, created.id);
    expect(fake.sourcesOf(ACCOUNT)).toEqual([]);
    expect(fake.callsOf('createSource')).toEqual([
      { method: 'createSource', accountId: ACCOUNT, input: { name: 'Line', external_id: LINK, pipeline_id: null } },
    ]);
    expect(fake.callsOf('deleteSource')).toHaveLength(2);
  });

  it('refuses as amoCRM does: taken or malformed external_id, unknown pipeline, the 101st source', async () => {
    const { fake, client } = setup();
    await client.createSource(ACCOUNT, { name: 'A', external_id: LINK, pipeline_id: null });
    for (const [input, code] of [
      [{ name: 'B', external_id: LINK, pipeline_id: null }, 'NotUnique'],
      [{ name: 'B', external_id: 'x'.repeat(37), pipeline_id: null }, 'LengthExceeded'],
      [{ name: 'B', external_id: 'номер', pipeline_id: null }, 'InvalidFormat'],
      [{ name: 'B', external_id: 'b', pipeline_id: 999 }, 'NotFound'],
      [{ name: ' ', external_id: 'b', pipeline_id: null }, 'FieldMissing'],
    ] as const) {
      const error = await failure(client.createSource(ACCOUNT, input));
      expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
      expect(error.message).toContain(code);
    }
    for (let n = 1; n < 100; n++)
      await client.createSource(ACCOUNT, { name: `n${n}`, external_id: `e${n}`, pipeline_id: null });
    const limit = await failure(client.createSource(ACCOUNT, { name: 'last', external_id: 'last', pipeline_id: null }));
    expect(limit.message).toContain('LimitExceeded');
    expect(fake.sourcesOf(ACCOUNT)).toHaveLength(100);
  });

  it('reads a PATCH of a source gone from amoCRM as not_found', async () => {
    const { fake, client } = setup();
    const kept = fake.putSource(ACCOUNT, { name: 'Old', external_id: LINK, pipeline_id: 3002 });
    expect(await client.sources(ACCOUNT, [LINK])).toEqual([kept]);
    fake.dropSource(ACCOUNT, kept.id);
    expect((await failure(client.updateSource(ACCOUNT, kept.id, { name: 'x', pipeline_id: null }))).code).toBe(
      'not_found',
    );
  });

  it('lists the default pipelines, or the account its own', async () => {
    const { fake, client } = setup();
    expect(await client.pipelines(ACCOUNT)).toEqual(FAKE_PIPELINES);
    fake.setAccount(ACCOUNT, { pipelines: [{ id: 1, name: 'Only', is_main: true, is_archive: false }] });
    expect((await client.pipelines(ACCOUNT)).map((p) => p.name)).toEqual(['Only']);
  });

  it('finds contacts as the emulator does, with PHONE / EMAIL fields', async () => {
    const { fake, client } = setup();
    expect((await client.findContacts(ACCOUNT, '79001112233')).map((c) => c.id)).toEqual([1]);
    expect((await client.findContacts(ACCOUNT, '900 111 22 33')).map((c) => c.id)).toEqual([1, 2]);
    expect(await client.findContacts(ACCOUNT, 'nobody')).toEqual([]);
    const [anna] = await client.findContacts(ACCOUNT, 'ANNA@SHOP.example');
    expect(anna?.custom_fields_values).toEqual([
      { field_code: 'PHONE', values: [{ value: '+7 900 111 22 33' }] },
      { field_code: 'EMAIL', values: [{ value: 'anna@shop.example' }] },
    ]);
    fake.addContact(ACCOUNT, { id: 3, name: 'Vera' });
    expect((await client.findContacts(ACCOUNT, 'vera'))[0]).toEqual({
      id: 3,
      name: 'Vera',
      custom_fields_values: null,
    });
    expect(fake.callsOf('findContacts').map((call) => call.query)).toContain('vera');
  });

  it('binds chats to existing contacts, a new binding id each time; an unknown contact is invalid_request', async () => {
    const { fake, client } = setup();
    const chat = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
    const first = await client.bindChatToContact(ACCOUNT, chat, 1);
    const second = await client.bindChatToContact(ACCOUNT, chat, 2);
    expect(second.id).not.toBe(first.id);
    expect(fake.bindingsOf(ACCOUNT)).toEqual([{ chat_id: chat, contact_id: 2, id: second.id }]);
    expect((await failure(client.bindChatToContact(ACCOUNT, chat, 99))).code).toBe('invalid_request');
  });

  it('fails the next calls of one method when told to', async () => {
    const { fake, client } = setup();
    fake.fail(ACCOUNT, { code: 'upstream_error', method: 'createSource', times: 1 });
    expect(
      (await failure(client.createSource(ACCOUNT, { name: 'A', external_id: LINK, pipeline_id: null }))).code,
    ).toBe('upstream_error');
    await expect(client.sources(ACCOUNT)).resolves.toEqual([]);
    await expect(
      client.createSource(ACCOUNT, { name: 'A', external_id: LINK, pipeline_id: null }),
    ).resolves.toBeDefined();
    expect((await failure(client.pipelines(404))).code).toBe('not_found');
  });
});
