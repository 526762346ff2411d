import { describe, expect, it } from 'vitest';
import { ADMIN, createHarness, MANAGER, RU } from './harness';

const CHAT = '5f0e9d8c-7b6a-4594-8372-61504f3e2d1c';

async function setup() {
  const h = createHarness({
    rateLimitPerSecond: null,
    contacts: [
      { accountId: RU.id, name: 'Anna Smirnova', phones: ['+7 (900) 111-22-33'], emails: ['anna@shop.example'] },
      { accountId: RU.id, name: 'Boris Smirnov', phones: ['8 900 111 22 33'] },
      ...Array.from({ length: 3 }, (_, n) => ({ accountId: RU.id, name: `Bulk ${n}`, responsibleUserId: MANAGER.id })),
    ],
  });
  const admin = (await h.grantedPair()).access_token;
  return { h, admin, contacts: h.emulator.listContacts(RU.id) };
}

async function names(response: Response): Promise<string[]> {
  if (response.status === 204) return [];
  expect(response.status).toBe(200);
  const body = (await response.json()) as { _embedded: { contacts: { name: string }[] } };
  return body._embedded.contacts.map((contact) => contact.name);
}

describe('amoCRM emulator: contacts and chat bindings', () => {
  it('searches name, e-mail and phone digits; a trunk prefix 8 does not match +7', async () => {
    const { h, admin } = await setup();
    const search = (query: string) => h.api(`/api/v4/contacts?query=${encodeURIComponent(query)}`, admin);
    expect(await names(await search('79001112233'))).toEqual(['Anna Smirnova']);
    expect(await names(await search('89001112233'))).toEqual(['Boris Smirnov']);
    expect(await names(await search('900 111-22-33'))).toEqual(['Anna Smirnova', 'Boris Smirnov']);
    expect(await names(await search('ANNA@shop'))).toEqual(['Anna Smirnova']);
    expect(await names(await search('smirnov'))).toEqual(['Anna Smirnova', 'Boris Smirnov']);
    const none = await search('nobody');
    expect(none.status).toBe(204);
    expect(await none.text()).toBe('');
  });

  it('pages with limit and page, links the next page, and refuses a limit over 250', async () => {
    const { h, admin } = await setup();
    const first = await h.api('/api/v4/contacts?query=Bulk&limit=2', admin);
    const body = (await first.clone().json()) as { _page: number; _links: { next?: { href: string } } };
    expect(await names(first)).toEqual(['Bulk 0', 'Bulk 1']);
    expect(body._page).toBe(1);
    expect(body._links.next?.href).toBe('https://acme.amocrm.ru/api/v4/contacts?query=Bulk&limit=2&page=2');
    const second = await h.api('/api/v4/contacts?query=Bulk&limit=2&page=2', admin);
    expect(((await second.clone().json()) as { _links: object })._links).not.toHaveProperty('next');
    expect(await names(second)).toEqual(['Bulk 2']);
    expect((await h.api('/api/v4/contacts?query=Bulk&limit=2&page=3', admin)).status).toBe(204);
    expect((await h.api('/api/v4/contacts?limit=251', admin)).status).toBe(400);
    expect((await h.api('/api/v4/contacts?limit=0', admin)).status).toBe(400);
    expect((await h.api('/api/v4/contacts?limit=250', admin)).status).toBe(200);
    expect((await h.api('/api/v4/contacts?page=x', admin)).status).toBe(400);
  });

  it('answers contact fields in the read shape: PHONE / EMAIL multitext values, null when none', async () => {
    const { h, admin } = await setup();
    const body = (await (await h.api('/api/v4/contacts?query=Anna', admin)).json()) as {
      _embedded: { contacts: Record<string, unknown>[] };
    };
    expect(body._embedded.contacts[0]).toMatchObject({
      name: 'Anna Smirnova',
      responsible_user_id: ADMIN.id,
      custom_fields_values: [
        { field_code: 'PHONE', field_type: 'multitext', values: [{ value: '+7 (900) 111-22-33', enum_code: 'WORK' }] },
        { field_code: 'EMAIL', values: [{ value: 'anna@shop.example' }] },
      ],
    });
    const bulk = (await (await h.api('/api/v4/contacts?query=Bulk%200', admin)).json()) as typeof body;
    expect(bulk._embedded.contacts[0]?.custom_fields_values).toBeNull();
  });

  it('binds chats in a batch, replaces a binding under a new id, and lists current bindings', async () => {
    const { h, admin, contacts } = await setup();
    const [anna, boris] = contacts;
    const other = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const bound = await h.write('POST', '/api/v4/contacts/chats', admin, [
      { chat_id: CHAT, contact_id: anna!.id, request_id: 'x' },
      { chat_id: other, contact_id: anna!.id },
    ]);
    const first = (await bound.json()) as {
      _total_items: number;
      _embedded: { chats: { id: number; request_id: string }[] };
    };
    expect(first._total_items).toBe(2);
    expect(first._embedded.chats.map((c) => c.request_id)).toEqual(['x', '1']);
    const rebound = await h.write('POST', '/api/v4/contacts/chats', admin, [{ chat_id: CHAT, contact_id: boris!.id }]);
    const second = (await rebound.json()) as typeof first;
    expect(second._embedded.chats[0]!.id).not.toBe(first._embedded.chats[0]!.id);
    const byContact = await h.api(`/api/v4/contacts/chats?contact_id[]=${anna!.id}`, admin);
    expect(((await byContact.json()) as { _embedded: { chats: { chat_id: string }[] } })._embedded.chats).toEqual([
      expect.objectContaining({ chat_id: other, contact_id: anna!.id }),
    ]);
    const byChats = await h.api(`/api/v4/contacts/chats?chat_id=${CHAT}&chat_id=${other}`, admin);
    expect(((await byChats.json()) as { _total_items: number })._total_items).toBe(2);
    expect((await h.api('/api/v4/contacts/chats?chat_id=9f0e9d8c-7b6a-4594-8372-61504f3e2d1c', admin)).status).toBe(
      204,
    );
    expect((await h.api('/api/v4/contacts/chats', admin)).status).toBe(400);
    expect((await h.api('/api/v4/contacts/chats?chat_id=not-a-uuid', admin)).status).toBe(400);
  });

  it('refuses a batch with an unknown contact as a whole, session cookies, and a manager', async () => {
    const { h, admin, contacts } = await setup();
    const refused = await h.write('POST', '/api/v4/contacts/chats', admin, [
      { chat_id: CHAT, contact_id: contacts[0]!.id },
      { chat_id: CHAT, contact_id: 12345 },
    ]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      'validation-errors': [{ request_id: '1', errors: [{ code: 'NotFound', path: 'contact_id' }] }],
      detail: 'Request validation failed',
    });
    expect(h.emulator.listChatBindings()).toEqual([]);
    const withCookie = await h.api('/api/v4/contacts/chats', admin, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 'session_id=abc' },
      body: JSON.stringify([{ chat_id: CHAT, contact_id: contacts[0]!.id }]),
    });
    expect(withCookie.status).toBe(400);
    expect(withCookie.headers.get('x-emulator-reject')).toBe('cookies_sent');
    const manager = (await h.grantedPair(RU.id, MANAGER.id)).access_token;
    expect((await h.write('POST', '/api/v4/contacts/chats', manager, [])).status).toBe(403);
    expect((await h.api('/api/v4/contacts?query=Bulk', manager)).status).toBe(200);
    expect(await names(await h.api('/api/v4/contacts?query=Smirnov', manager))).toEqual([]);
  });

  it('lists pipelines for a manager too, in the docs shape', async () => {
    const { h } = await setup();
    const manager = (await h.grantedPair(RU.id, MANAGER.id)).access_token;
    const response = await h.api('/api/v4/leads/pipelines', manager);
    expect(response.headers.get('content-type')).toBe('application/hal+json');
    const body = (await response.json()) as {
      _total_items: number;
      _embedded: { pipelines: Record<string, unknown>[] };
    };
    expect(body._total_items).toBe(3);
    expect(body._embedded.pipelines[2]).toMatchObject({
      name: 'Archive',
      is_archive: true,
      is_main: false,
      account_id: RU.id,
    });
    expect((await h.api('/api/v4/leads/pipelines', manager, { method: 'POST' })).status).toBe(405);
  });
});
