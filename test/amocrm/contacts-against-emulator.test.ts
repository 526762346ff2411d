import { afterEach, describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { MANAGER, RU } from '../sandbox/amocrm-emulator/harness';
import { startEmulatorClient } from './helpers/emulator-client';

type Started = Awaited<ReturnType<typeof startEmulatorClient>>;
const CHAT = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const CONTACTS = [
  { accountId: RU.id, name: 'Ivan Petrov', phones: ['+7 (912) 100-00-00'], emails: ['Ivan@Example.com'] },
  { accountId: RU.id, name: 'Olga Petrova', phones: ['+7 912 200 00 00', '8 912 300 00 00'] },
  { accountId: RU.id, name: 'Ivan Sidorov', phones: ['79122000000'], responsibleUserId: MANAGER.id },
];

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('AmocrmClient pipelines and contacts against the amoCRM emulator', () => {
  let s: Started;
  afterEach(async () => s?.close());

  it('lists every pipeline with its statuses, the archived one too, for any user', async () => {
    s = await startEmulatorClient({ userId: MANAGER.id });
    const pipelines = await s.client.pipelines(RU.id);
    expect(pipelines.map((p) => [p.name, p.is_main, p.is_archive])).toEqual([
      ['Sales', true, false],
      ['Support', false, false],
      ['Archive', false, true],
    ]);
    // Each pipeline has its Unsorted status (type 1) beside the shared 142 won / 143 lost.
    expect(pipelines[0]?._embedded?.statuses?.filter((status) => status.type === 1)).toHaveLength(1);
    expect(pipelines[0]?._embedded?.statuses?.map((status) => status.id)).toEqual(expect.arrayContaining([142, 143]));
  });

  it('finds no contact as [] (amoCRM 204), one by a phone written differently, two when both match', async () => {
    s = await startEmulatorClient({ contacts: CONTACTS });
    expect(await s.client.findContacts(RU.id, '+7 999 000 00 00')).toEqual([]);
    const one = await s.client.findContacts(RU.id, '79121000000');
    expect(one.map((contact) => contact.name)).toEqual(['Ivan Petrov']);
    expect(one[0]?.custom_fields_values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field_code: 'PHONE',
          values: [expect.objectContaining({ value: '+7 (912) 100-00-00' })],
        }),
      ]),
    );
    const two = await s.client.findContacts(RU.id, '+7 912 200-00-00');
    expect(two.map((contact) => contact.name)).toEqual(['Olga Petrova', 'Ivan Sidorov']);
    expect(new URL(s.sent.at(-1)!.url).searchParams.get('query')).toBe('+7 912 200-00-00');
    expect(new URL(s.sent.at(-1)!.url).searchParams.get('limit')).toBe('50');
  });

  it('finds by e-mail regardless of case and keeps to the limit', async () => {
    s = await startEmulatorClient({ contacts: CONTACTS });
    expect((await s.client.findContacts(RU.id, 'ivan@example.COM')).map((c) => c.name)).toEqual(['Ivan Petrov']);
    expect(await s.client.findContacts(RU.id, 'Ivan', 1)).toHaveLength(1);
    expect((await failure(s.client.findContacts(RU.id, 'Ivan', 251))).message).toContain('not sent');
    expect((await failure(s.client.findContacts(RU.id, '  '))).code).toBe('invalid_request');
  });

  it("shows a manager's token only the contacts they are responsible for", async () => {
    s = await startEmulatorClient({ contacts: CONTACTS, userId: MANAGER.id });
    expect((await s.client.findContacts(RU.id, 'Ivan')).map((c) => c.name)).toEqual(['Ivan Sidorov']);
  });

  it('binds a chat to a contact; binding it again gives the binding a new id', async () => {
    s = await startEmulatorClient({ contacts: CONTACTS });
    const [ivan, olga] = s.emulator.listContacts(RU.id);
    const first = await s.client.bindChatToContact(RU.id, CHAT, ivan!.id);
    expect(first).toMatchObject({ chat_id: CHAT, contact_id: ivan!.id, id: expect.any(Number) });
    const again = await s.client.bindChatToContact(RU.id, CHAT, olga!.id);
    expect(again).toMatchObject({ chat_id: CHAT, contact_id: olga!.id });
    expect(again.id).not.toBe(first.id);
    const bindings = s.emulator.listChatBindings(RU.id);
    expect(bindings.map((b) => [b.id, b.contactId, b.replacedAt === undefined])).toEqual([
      [first.id, ivan!.id, false],
      [again.id, olga!.id, true],
    ]);
    const listed = await fetch(`${s.running.url}/api/v4/contacts/chats?chat_id=${CHAT}`, {
      headers: { Authorization: `Bearer ${s.accessToken}` },
    });
    expect(((await listed.json()) as { _embedded: { chats: unknown[] } })._embedded.chats).toEqual([
      { chat_id: CHAT, contact_id: olga!.id, id: again.id },
    ]);
  });

  it('refuses a contact that does not exist, and a chat id that is no UUID, as invalid_request', async () => {
    s = await startEmulatorClient({ contacts: CONTACTS });
    const unknown = await failure(s.client.bindChatToContact(RU.id, CHAT, 99));
    expect(unknown).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(unknown.message).toContain('NotFound at contact_id');
    const [ivan] = s.emulator.listContacts(RU.id);
    const badChat = await failure(s.client.bindChatToContact(RU.id, 'conversation-1', ivan!.id));
    expect(badChat.message).toContain('InvalidFormat at chat_id');
    expect(s.emulator.listChatBindings()).toEqual([]);
  });

  it('is refused a binding with a manager token (contacts/chats is admin-only)', async () => {
    s = await startEmulatorClient({ contacts: CONTACTS, userId: MANAGER.id });
    expect((await failure(s.client.bindChatToContact(RU.id, CHAT, s.emulator.listContacts(RU.id)[0]!.id))).code).toBe(
      'forbidden',
    );
  });
});
