import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChatResponse } from '../../../src/contracts/amojo';
import { phoneNumberMessage } from '../../../src/contracts/phone-number';
import { fixture, type Harness, SCOPE_ID, startHarness } from './harness';

describe('amojo emulator: create chat', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
  });
  afterEach(() => h.close());

  it('creates the docs example chat and answers in the documented shape', async () => {
    const result = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    expect(result.status).toBe(200);
    const body = result.json<{ id: string; user: Record<string, string> }>();
    expect(createChatResponse.safeParse(body).success).toBe(true);
    expect(body.user).toEqual({
      id: expect.any(String),
      client_id: 'sk-1376265f-86df-4c49-a0c3-a4816df41af9',
      name: 'Example Client',
      avatar: 'https://example.com/users/avatar.png',
      phone: '79151112233',
      email: 'example.client@example.com',
    });
    const [chat] = h.emulator.listChats(SCOPE_ID);
    expect(chat).toMatchObject({
      id: body.id,
      conversationId: 'skc-8e3e7640-49af-4448-a2c6-d5a421f7f217',
      sourceExternalId: '78001234567',
      origin: 'create_chat',
    });
  });

  it('is idempotent per conversation_id', async () => {
    const first = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    const second = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    expect(second.json()).toEqual(first.json());
    expect(h.emulator.listChats()).toHaveLength(1);
  });

  it('returns the stored data of a known user id, not the data just sent', async () => {
    const first = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    const renamed = {
      conversation_id: 'another-conversation',
      user: { id: 'sk-1376265f-86df-4c49-a0c3-a4816df41af9', name: 'Renamed' },
    };
    const second = await h.call({ path: h.paths.chats(), body: renamed });
    expect(second.status).toBe(200);
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.json().user).toEqual(first.json().user);
  });

  it('answers avatar "" and leaves phone/email out when they were not sent', async () => {
    const result = await h.call({
      path: h.paths.chats(),
      body: { conversation_id: 'c-2', user: { id: 'u-2', name: 'Bare' } },
    });
    expect(result.json().user).toEqual({ id: expect.any(String), client_id: 'u-2', name: 'Bare', avatar: '' });
  });

  it('refuses a user.profile.phone that is not a phone, naming the field', async () => {
    const result = await h.call({
      path: h.paths.chats(),
      body: { conversation_id: 'c-4', user: { id: 'u-4', name: 'Bad', profile: { phone: '12' } } },
    });
    expect(result.status).toBe(400);
    expect(result.json()).toMatchObject({
      error_code: 400,
      error_type: 'invalid_request',
      errors: [{ path: 'user.profile.phone', message: phoneNumberMessage }],
    });
    expect(h.emulator.listChats()).toEqual([]);
  });

  it('refuses a chat without a user, naming the field', async () => {
    const result = await h.call({ path: h.paths.chats(), body: { conversation_id: 'c-3' } });
    expect(result.status).toBe(400);
    expect(result.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain('user');
  });
});
