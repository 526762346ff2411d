import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { type AmojoClientOptions, createAmojoClient } from '../../src/amojo/create-amojo-client';
import type { MessageType, NewMessageRequest } from '../../src/contracts/amojo';
import { type RunningAmojoEmulator, startAmojoEmulator } from '../../src/sandbox/amojo-emulator/start-amojo-emulator';

const CHANNEL = '6c3a1b07-2f55-4d8e-9a41-0c1f2e3d4b5a';
const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const ACCOUNT = '0a5b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;

let emulator: RunningAmojoEmulator;
const slept: number[] = [];

function client(overrides: Partial<AmojoClientOptions> = {}) {
  return createAmojoClient({
    channelId: CHANNEL,
    secret: SECRET,
    baseUrl: emulator.url,
    sleep: async (ms) => void slept.push(ms),
    random: () => 0.5,
    ...overrides,
  });
}

const media = 'https://files.example.com/f';
const contents: Record<MessageType, NewMessageRequest['payload']['message']> = {
  text: { type: 'text', text: 'Hello, 世界' },
  contact: { type: 'contact', contact: { name: 'Ann', phone: '+15550101' } },
  file: { type: 'file', media: `${media}.pdf`, file_name: 'f.pdf', file_size: 10 },
  video: { type: 'video', media: `${media}.mp4`, file_name: 'f.mp4', file_size: 10 },
  picture: { type: 'picture', media: `${media}.png`, file_name: 'f.png', file_size: 10 },
  voice: { type: 'voice', media: `${media}.ogg` },
  audio: { type: 'audio', media: `${media}.mp3` },
  sticker: { type: 'sticker', media: `${media}.webp` },
  location: { type: 'location', location: { lon: 30.31, lat: 59.94 } },
};

function message(msgid: string, content: NewMessageRequest['payload']['message'], conversation = 'conv-1') {
  const now = Date.now();
  return {
    event_type: 'new_message',
    payload: {
      timestamp: Math.floor(now / 1000),
      msec_timestamp: now,
      msgid,
      conversation_id: conversation,
      sender: { id: 'client-1', name: 'Client One' },
      message: content,
    },
  } satisfies NewMessageRequest;
}

beforeAll(async () => {
  emulator = await startAmojoEmulator({ channelId: CHANNEL, secret: SECRET, hookUrl: 'http://127.0.0.1:9/:scope_id' });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearMisbehaviour();
  slept.length = 0;
});

describe('the client against the strict emulator', () => {
  it('walks every endpoint', async () => {
    const amojo = client();
    const connected = await amojo.connect({ account_id: ACCOUNT, title: 'Shop', hook_api_version: 'v2' });
    expect(connected).toMatchObject({ scope_id: SCOPE, account_id: ACCOUNT, hook_api_version: 'v2' });

    const chat = await amojo.createChat(SCOPE, {
      conversation_id: 'conv-1',
      user: { id: 'client-1', name: 'Client One' },
    });
    expect(chat.user.client_id).toBe('client-1');
    expect(
      await amojo.createChat(SCOPE, { conversation_id: 'conv-1', user: { id: 'client-1', name: 'Client One' } }),
    ).toEqual(chat);

    for (const [type, content] of Object.entries(contents)) {
      const sent = await amojo.sendMessage(SCOPE, message(`m-${type}`, content));
      // The id-direction trap: amojo's id comes back as `msgid`, ours as `ref_id`.
      expect(sent).toMatchObject({ duplicate: false, msgid: `m-${type}`, conversationId: 'conv-1' });
      if (sent.duplicate) throw new Error('unexpected duplicate');
      expect(emulator.getMessage(sent.amojoMsgId)?.msgid).toBe(`m-${type}`);
    }

    const first = emulator.findMessageByMsgid(SCOPE, 'm-text')!;
    await amojo.editMessage(SCOPE, {
      event_type: 'edit_message',
      payload: { timestamp: 1, msec_timestamp: 1000, msgid: 'm-text', message: { type: 'text', text: 'Edited' } },
    });
    expect(emulator.getMessage(first.id)?.content).toMatchObject({ text: 'Edited' });

    await amojo.typing(SCOPE, { conversation_id: 'conv-1', sender: { id: 'client-1' } });
    await amojo.react(SCOPE, {
      conversation_id: 'conv-1',
      msgid: 'm-text',
      user: { id: 'client-1' },
      type: 'react',
      emoji: '👍',
    });
    await amojo.deliveryStatus(SCOPE, first.id, { msgid: first.id, delivery_status: 2 });
    expect(emulator.listTypingEvents().length).toBeGreaterThan(0);

    const history = await amojo.history(SCOPE, chat.id, { limit: 5 });
    expect(history.messages).toHaveLength(5);
    expect(await amojo.history(SCOPE, '00000000-0000-4000-8000-000000000000')).toEqual({ messages: [] });

    await amojo.disconnect({ account_id: ACCOUNT });
    await expect(amojo.typing(SCOPE, { conversation_id: 'conv-1', sender: { id: 'client-1' } })).rejects.toMatchObject({
      code: 'not_found',
    });
    await amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
  });

  it('treats a repeated msgid as already delivered', async () => {
    const amojo = client();
    await amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
    const first = await amojo.sendMessage(SCOPE, message('dup-1', contents.text, 'conv-dup'));
    expect(first.duplicate).toBe(false);
    expect(await amojo.sendMessage(SCOPE, message('dup-1', contents.text, 'conv-dup'))).toEqual({
      duplicate: true,
      msgid: 'dup-1',
    });
    const chat = emulator.listChats(SCOPE).find((c) => c.conversationId === 'conv-dup')!;
    expect(emulator.listMessages(chat.id)).toHaveLength(1);
  });

  it('is refused for a wrong secret, a clock 16 minutes off and a body that is not the hashed one', async () => {
    const wrongSecret = client({ secret: '0'.repeat(40), retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(wrongSecret.connect({ account_id: ACCOUNT, hook_api_version: 'v2' })).rejects.toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    expect(slept).toEqual([]);

    const skewed = client({ now: () => new Date(Date.now() - 16 * 60_000) });
    await expect(skewed.connect({ account_id: ACCOUNT, hook_api_version: 'v2' })).rejects.toMatchObject({
      code: 'forbidden',
    });

    // A transport that re-serialises after signing: the classic peer bug.
    const reserialising: typeof fetch = (input, init) =>
      fetch(input, { ...init, body: `${new TextDecoder().decode(init?.body as Uint8Array)} ` });
    await expect(
      client({ fetch: reserialising }).connect({ account_id: ACCOUNT, hook_api_version: 'v2' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('names unknown channels, scopes and messages as not found', async () => {
    const amojo = client({ channelId: '11111111-1111-4111-8111-111111111111' });
    await expect(amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const known = client();
    await expect(
      known.typing(`${CHANNEL}_nobody`, { conversation_id: 'c', sender: { id: 'u' } }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await known.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
    const missing = '22222222-2222-4222-8222-222222222222';
    await expect(known.deliveryStatus(SCOPE, missing, { msgid: missing, delivery_status: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a body that breaks the contract before sending it', async () => {
    const before = emulator.listConnections().length;
    const bad = { account_id: ACCOUNT, hook_api_version: 'v2', title: null } as never;
    const error = await client()
      .connect(bad)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoError);
    expect(error).toMatchObject({ code: 'invalid_request', status: undefined });
    expect((error as AmojoError).details).toEqual([expect.objectContaining({ path: 'title' })]);
    expect(emulator.listConnections().length).toBe(before);
  });

  it('retries 503 and 429, honouring Retry-After, and signs each attempt afresh', async () => {
    const amojo = client();
    await amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
    emulator.misbehave({ status: 503, count: 2 });
    const sent = await amojo.sendMessage(SCOPE, message('retry-503', contents.text, 'conv-retry'));
    expect(sent.duplicate).toBe(false);
    expect(slept).toEqual([100, 200]);

    slept.length = 0;
    emulator.misbehave({ status: 429, retryAfter: 3, count: 1 });
    await amojo.typing(SCOPE, { conversation_id: 'conv-retry', sender: { id: 'client-1' } });
    expect(slept).toEqual([3000]);
  });

  it('gives up after the last attempt with the upstream code', async () => {
    emulator.misbehave({ status: 503, count: 10 });
    const amojo = client({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } });
    await expect(amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' })).rejects.toMatchObject({
      code: 'upstream_error',
      status: 503,
    });
    expect(slept).toHaveLength(2);
  });

  it('times out a stalled call and succeeds on the retry', async () => {
    emulator.misbehave({ stallMs: 5000, count: 1 });
    const amojo = client({ timeoutMs: 1000 });
    await expect(amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' })).resolves.toMatchObject({
      scope_id: SCOPE,
    });
    // The first attempt stalled past the timeout; a loaded machine may need one more.
    expect(slept.length).toBeGreaterThanOrEqual(1);
    expect(emulator.pendingMisbehaviour()).toEqual([]);
  });

  it('stops at once when the caller aborts', async () => {
    emulator.misbehave({ stallMs: 2000, count: 1 });
    const controller = new AbortController();
    const pending = client().connect({ account_id: ACCOUNT, hook_api_version: 'v2' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(slept).toEqual([]);
  });
});
