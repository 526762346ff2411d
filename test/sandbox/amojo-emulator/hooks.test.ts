import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/amojo/verify-webhook';
import { type AmojoWebhook, parseAmojoWebhook } from '../../../src/contracts/amojo';
import { ACCOUNT_ID, type Harness, inboundText, type ReceivedHook, SCOPE_ID, SECRET, startHarness } from './harness';

/** Verifies a received hook exactly like our backend must (raw bytes), then parses it with the contract. */
function verifiedHook(hook: ReceivedHook | undefined, secret = SECRET): AmojoWebhook {
  expect(hook).toBeDefined();
  expect(hook!.headers['content-type']).toBe('application/json');
  const signature = hook!.headers['x-signature'] as string;
  expect(signature).toBe(createHmac('sha1', secret).update(hook!.raw).digest('hex'));
  expect(verifyWebhook({ body: hook!.raw, signature, secrets: [secret] })).toBe(true);
  return parseAmojoWebhook(JSON.parse(hook!.raw.toString('utf8')));
}

describe('amojo emulator: hooks', () => {
  let h: Harness;
  let chatId: string;
  let clientAmojoId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    chatId = h.emulator.listChats()[0]!.id;
    clientAmojoId = h.emulator.listParticipants(SCOPE_ID)[0]!.id;
  });
  afterEach(() => h.close());

  it('posts a signed message hook v2 to the hook URL with :scope_id substituted', async () => {
    const { message, hook } = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'Привет / hi' } });
    expect(hook).toMatchObject({ state: 'delivered', status: 200, kind: 'message' });
    const [received] = h.receiver.received;
    expect(received?.path).toBe(`/amojo/webhook/${SCOPE_ID}`);
    const parsed = verifiedHook(received);
    expect(parsed.kind).toBe('message');
    if (parsed.kind !== 'message') return;
    expect(parsed.hook).toMatchObject({
      account_id: ACCOUNT_ID,
      time: Math.floor(h.clock.now.getTime() / 1000),
      message: {
        conversation: { id: chatId, client_id: 'conv-1' },
        sender: { id: h.emulator.managers[0]!.id },
        receiver: { id: clientAmojoId, client_id: 'client-1', phone: '+79151112233', email: '' },
        message: { id: message.id, type: 'text', text: 'Привет / hi', media: '', file_size: 0 },
      },
    });
    // Escaped like PHP's json_encode: re-serializing the parsed body would not reproduce these bytes.
    expect(received!.raw.toString()).toContain('\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\/ hi');
  });

  it('carries picture media, inline buttons, a template and a reply_to quote', async () => {
    const quoted = h.emulator.findMessageByMsgid(SCOPE_ID, 'm-1')!;
    await h.emulator.sendMessage({
      chatId,
      replyTo: { messageId: quoted.id },
      message: {
        type: 'picture',
        text: 'Текст сообщения Сделка #15926745',
        media: 'https://amojo.example/attachments/image.jpg',
        thumbnail: 'https://amojo.example/attachments/image_320x200.jpg',
        markup: {
          mode: 'inline',
          buttons: [[{ text: 'Принять заказ' }, { text: 'Site', url: 'https://example.com' }]],
        },
        template: {
          id: 7103,
          external_id: 'my_external_id',
          content: 'Текст {{lead.name}}',
          params: [{ key: '{{lead.id}}', value: '1' }],
        },
      },
    });
    const parsed = verifiedHook(h.receiver.received[0]);
    if (parsed.kind !== 'message') throw new Error(`expected a message hook, got ${parsed.kind}`);
    const content = parsed.hook.message.message;
    expect(content.media).toBe('https://amojo.example/attachments/image.jpg');
    expect(content.markup?.buttons?.[0]?.[1]).toEqual({ text: 'Site', url: 'https://example.com' });
    expect(content.template).toMatchObject({ id: 7103, external_id: 'my_external_id' });
    expect(content.reply_to?.message).toMatchObject({
      id: quoted.id,
      msgid: 'm-1',
      text: 'hello',
      sender: { client_id: 'client-1' },
    });
  });

  it('sends markup null when there is no keyboard, and a comment reply with post.id and names', async () => {
    await h.emulator.sendMessage({ chatId, postId: 'post-7', message: { type: 'text', text: 'public answer' } });
    const raw = JSON.parse(h.receiver.received[0]!.raw.toString());
    expect(raw.message.message.markup).toBeNull();
    const parsed = verifiedHook(h.receiver.received[0]);
    expect(parsed.kind).toBe('comment_reply');
    if (parsed.kind === 'comment_reply') {
      expect(parsed.hook.message.message.post.id).toBe('post-7');
      expect(parsed.hook.message.sender.name).toBe('Sandbox Manager');
    }
  });

  it('emits a typing hook at most once per 5 s per chat and manager', async () => {
    const first = await h.emulator.typing({ chatId });
    expect(first.hook?.state).toBe('delivered');
    h.clock.now = new Date(h.clock.now.getTime() + 4000);
    expect((await h.emulator.typing({ chatId })).hook).toBeNull();
    h.clock.now = new Date(h.clock.now.getTime() + 1000);
    expect((await h.emulator.typing({ chatId })).hook?.state).toBe('delivered');
    const parsed = verifiedHook(h.receiver.received[0]);
    if (parsed.kind !== 'typing') throw new Error(`expected typing, got ${parsed.kind}`);
    expect(parsed.hook.action.typing).toMatchObject({
      user: { id: h.emulator.managers[0]!.id },
      conversation: { id: chatId, client_id: 'conv-1' },
      expired_at: parsed.hook.time + 5,
    });
    expect(h.receiver.received).toHaveLength(2);
  });

  it('emits reaction hooks in the docs example shape (msgid) and the table shape (message)', async () => {
    const message = h.emulator.findMessageByMsgid(SCOPE_ID, 'm-1')!;
    const reacted = await h.emulator.react({ messageId: message.id, type: 'react', emoji: '😍' });
    expect(reacted.message.reactions).toMatchObject([{ emoji: '😍', by: 'amocrm' }]);
    await h.emulator.react({ messageId: message.id, type: 'unreact', format: 'message' });
    const [react, unreact] = h.receiver.received.map((hook) => verifiedHook(hook));
    expect(JSON.parse(h.receiver.received[0]!.raw.toString()).action.reaction.msgid).toBe(message.id);
    if (react?.kind !== 'reaction' || unreact?.kind !== 'reaction') throw new Error('expected two reaction hooks');
    expect(react.hook.action.reaction).toMatchObject({ type: 'react', emoji: '😍', message: { id: message.id } });
    expect(unreact.hook.action.reaction).toMatchObject({
      type: 'unreact',
      message: { id: message.id, client_id: 'm-1' },
    });
    expect(unreact.hook.action.reaction).not.toHaveProperty('emoji');
    expect(h.emulator.getMessage(message.id)?.reactions).toEqual([]);
  });

  it('signs hooks with --hook-secret when one is given', async () => {
    await h.close();
    h = await startHarness({ hookSecret: 'hook-secret' });
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    await h.emulator.sendMessage({ chatId: h.emulator.listChats()[0]!.id, message: { type: 'text', text: 'x' } });
    expect(verifiedHook(h.receiver.received[0], 'hook-secret').kind).toBe('message');
  });

  it('sends nothing to a scope connected with v1 or disconnected, and records why', async () => {
    await h.connect(ACCOUNT_ID, { hook_api_version: 'v1' });
    const v1 = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'x' } });
    expect(v1.hook).toMatchObject({ state: 'skipped', error: expect.stringContaining('v1') });
    await h.call({ method: 'DELETE', path: h.paths.disconnect, body: { account_id: ACCOUNT_ID } });
    const off = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'y' } });
    expect(off.hook).toMatchObject({ state: 'skipped', error: 'scope is disconnected' });
    expect(h.receiver.received).toEqual([]);
  });

  it('records what the receiver answered, without retrying', async () => {
    h.receiver.state.status = 500;
    const { hook } = await h.emulator.sendMessage({ chatId, message: { type: 'text', text: 'x' } });
    expect(hook).toMatchObject({ state: 'failed', status: 500 });
    expect(h.receiver.received).toHaveLength(1);
    expect(h.emulator.listHookDeliveries().map((d) => d.state)).toEqual(['failed']);
  });

  it('gives up on a receiver slower than the hook timeout', async () => {
    await h.close();
    h = await startHarness({ hookTimeoutMs: 50 });
    await h.connect();
    await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    h.receiver.state.delayMs = 300;
    const { hook } = await h.emulator.sendMessage({
      chatId: h.emulator.listChats()[0]!.id,
      message: { type: 'text', text: 'x' },
    });
    expect(hook).toMatchObject({ state: 'failed', error: 'timeout' });
  });
});
