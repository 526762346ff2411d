import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { type BridgeableWebhook, hookToBridgeEvent } from '../../src/bridge/hook-to-bridge-event';
import { parseAmojoWebhook } from '../../src/contracts/amojo';
import { bridgeOutboundEvent } from '../../src/contracts/bridge';
import { fixtureJson, hookFixtures } from '../fixtures/amojo';

const linkId = 'link-1';

function classify(json: unknown): BridgeableWebhook {
  const parsed = parseAmojoWebhook(json);
  if (parsed.kind === 'invalid' || parsed.kind === 'v1') throw new Error(`not bridgeable: ${parsed.kind}`);
  return parsed;
}

function map(json: unknown, extra: Record<string, unknown> = {}) {
  const event = hookToBridgeEvent(classify(json), { linkId, eventId: 'evt-1', ...extra });
  const checked = z.safeParse(bridgeOutboundEvent, event);
  expect(checked.success).toBe(true);
  // What the messenger receives is JSON: nothing may be lost in serialisation.
  expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  return event as Record<string, unknown> & { type: string };
}

describe('hookToBridgeEvent over every hook fixture', () => {
  const bridgeable = hookFixtures.filter((f) => f.kind !== 'v1');
  it.each(bridgeable.map((f) => [f.file, f] as const))('%s maps to a valid outbound event', (_file, fixture) => {
    const event = map(fixture.json);
    expect(event.id).toBe('evt-1');
    expect(event.type).toBe(fixture.kind === 'comment_reply' ? 'message' : fixture.kind);
    expect(Number.isNaN(Date.parse(String(event.created_at)))).toBe(false);
  });

  it('maps the picture hook: ids, media, thumbnail, caption, buttons, template', () => {
    const event = map(fixtureJson('hook-message-v2-picture.json'));
    expect(event).toEqual({
      id: 'evt-1',
      type: 'message',
      created_at: new Date(1639572261 * 1000).toISOString(),
      message_id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
      conversation: { id: 'my_int-d5a421f7f218', amojo_chat_id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc' },
      recipient: { id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8', phone: '79161234567' },
      sender: { id: '76fc2bea-902f-425c-9a3d-dcdac4766090' },
      message: {
        type: 'picture',
        url: 'https://amojo.amocrm.ru/attachments/image.jpg',
        thumbnail_url: 'https://amojo.amocrm.ru/attachments/image_320x200.jpg',
        caption: 'Текст сообщения Сделка #15926745',
      },
      markup: { buttons: [[{ text: 'Принять заказ' }, { text: 'Отменить заказ' }]] },
      template: {
        id: '7103',
        external_id: 'my_external_id',
        content: 'Текст сообщения {{lead.name}}',
        params: [{ key: '{{lead.id}}', value: '15926745' }],
      },
      source: '78001234567',
    });
  });

  it('maps the List Message hook to markup.list', () => {
    const event = map(fixtureJson('hook-message-v2-list-message.json'));
    expect(event.message).toEqual({ type: 'text', text: 'Текст сообщения Сделка #15926745' });
    const list = (event.markup as { list: { sections: { rows: { callback_data: string }[] }[] } }).list;
    expect(list.sections[0]?.rows[0]?.callback_data).toBe('vG9ujre8N7');
  });

  it('maps a comment reply: post id and the quoted comment', () => {
    const event = map(fixtureJson('hook-comment-reply.json'));
    expect(event.post).toEqual({ id: '1999992' });
    expect(event.reply_to).toEqual({
      message_id: '90e985eb-3e5d-426e-bd62-1eb78ef6db67',
      type: 'text',
      text: 'Привет',
      sender_name: 'Имя клиента',
      sent_at: new Date(1751641366000).toISOString(),
    });
    expect(event.recipient).toEqual({ id: '11000f5f-4554-4de4-be9d-83a3ca0e275d', name: 'Имя клинета' });
  });

  it('gives back the messenger id of a quoted client message from our msgid', () => {
    const hook = fixtureJson<{ message: { message: { reply_to: { message: { msgid: string } } } } }>(
      'hook-comment-reply.json',
    );
    hook.message.message.reply_to.message.msgid = bridgeMsgid(linkId, 'tg-77');
    expect((map(hook).reply_to as { id: string }).id).toBe('tg-77');
  });

  it('maps typing: conversation, user, expiry, post id', () => {
    expect(map(fixtureJson('hook-typing.json'))).toEqual({
      id: 'evt-1',
      type: 'typing',
      created_at: new Date(1637087558000).toISOString(),
      conversation: { id: 'c7', amojo_chat_id: 'f1e4e02c-f502-4165-9377-8575c55c5ebd' },
      sender: { id: 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2' },
      expires_at: new Date(1637087563000).toISOString(),
      post_id: '203055422',
    });
  });

  it('maps a reaction, and an unreact without emoji, with the messenger id when known', () => {
    expect(map(fixtureJson('hook-reaction.json'))).toEqual({
      id: 'evt-1',
      type: 'reaction',
      created_at: new Date(1637087558000).toISOString(),
      conversation: { id: 'c7', amojo_chat_id: 'f1e4e02c-f502-4165-9377-8575c55c5ebd' },
      sender: { id: 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2' },
      action: 'react',
      emoji: '😍',
      message: { message_id: 'cd05887d-bb16-4e11-b298-40455cc77195' },
    });
    const unreact = fixtureJson<{ action: { reaction: Record<string, unknown> } }>('hook-reaction.json');
    unreact.action.reaction.type = 'unreact';
    delete unreact.action.reaction.emoji;
    const event = map(unreact, { messengerIds: { 'cd05887d-bb16-4e11-b298-40455cc77195': 'tg-5' } });
    expect(event).toMatchObject({
      action: 'unreact',
      message: { message_id: 'cd05887d-bb16-4e11-b298-40455cc77195', id: 'tg-5' },
    });
    expect(event.emoji).toBeUndefined();
  });

  it('turns a hook without client ids (write first) into conversation.started', () => {
    const hook = fixtureJson<{ message: { conversation: Record<string, unknown>; receiver: Record<string, unknown> } }>(
      'hook-message-v2-text-with-source.json',
    );
    delete hook.message.conversation.client_id;
    delete hook.message.receiver.client_id;
    const event = map(hook);
    expect(event).toMatchObject({
      type: 'conversation.started',
      conversation: { amojo_chat_id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc' },
      recipient: { phone: '+79151112233', amojo_user_id: '2ed64e26-70a1-4857-8382-bb066a076219' },
      source: '79039876543',
      message_id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
      message: { type: 'text', text: 'Текст сообщения Сделка #15926745' },
    });
    expect((event.conversation as Record<string, unknown>).id).toBeUndefined();
    // Once the messenger named the chat (delivery answer), the relay passes the ids and it is a plain message.
    const named = map(hook, { conversationId: 'tg-chat-1', recipientId: 'tg-user-1' });
    expect(named).toMatchObject({ type: 'message', conversation: { id: 'tg-chat-1' }, recipient: { id: 'tg-user-1' } });
  });

  it('passes on the name a manager gave the contact of a write-first chat, before and after it is named', () => {
    const hook = fixtureJson<{ message: { conversation: Record<string, unknown>; receiver: Record<string, unknown> } }>(
      'hook-message-v2-text-with-source.json',
    );
    delete hook.message.conversation.client_id;
    delete hook.message.receiver.client_id;
    hook.message.receiver.name = 'Ivan Petrov';
    expect(map(hook)).toMatchObject({
      type: 'conversation.started',
      recipient: { phone: '+79151112233', name: 'Ivan Petrov', amojo_user_id: '2ed64e26-70a1-4857-8382-bb066a076219' },
    });
    expect(map(hook, { conversationId: 'tg-chat-1', recipientId: 'tg-user-1' })).toMatchObject({
      type: 'message',
      recipient: { id: 'tg-user-1', phone: '+79151112233', name: 'Ivan Petrov' },
    });
    hook.message.receiver.name = '';
    expect(map(hook).recipient).not.toHaveProperty('name');
  });

  it('marks bot messages when the bot id is known, degrades unknown types, keeps forwards and media groups', () => {
    const hook = fixtureJson<{ message: { message: Record<string, unknown> } }>('hook-message-v2-picture.json');
    hook.message.message.type = 'gallery';
    hook.message.message.file_name = 'a.jpg';
    hook.message.message.file_size = '2048';
    hook.message.message.media_group_id = 'g-1';
    hook.message.message.forwards = { messages: [{ id: 'amojo-f', msgid: bridgeMsgid(linkId, 'tg-f'), text: 'fw' }] };
    const event = map(hook, { botId: '76fc2bea-902f-425c-9a3d-dcdac4766090' });
    expect(event.sender).toEqual({ id: '76fc2bea-902f-425c-9a3d-dcdac4766090', role: 'bot' });
    expect(event.message).toMatchObject({ type: 'file', file_name: 'a.jpg', file_size: 2048 });
    expect(event.media_group_id).toBe('g-1');
    expect(event.forwarded).toEqual([{ message_id: 'amojo-f', id: 'tg-f', text: 'fw' }]);
  });

  it('maps location and contact content', () => {
    const hook = fixtureJson<{ message: { message: Record<string, unknown> } }>(
      'hook-message-v2-text-with-source.json',
    );
    hook.message.message.type = 'location';
    hook.message.message.location = { lat: 1.5, lon: 2.5 };
    expect(map(hook).message).toEqual({ type: 'location', lat: 1.5, lon: 2.5 });
    hook.message.message.type = 'contact';
    hook.message.message.contact = { name: 'Bob', phone: '+1' };
    expect(map(hook).message).toEqual({ type: 'contact', name: 'Bob', phone: '+1' });
  });
});
