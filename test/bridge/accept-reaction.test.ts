import { describe, expect, it } from 'vitest';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { ensureConversationByAmojoChat } from '../../src/store/conversations-repo';
import { recordMessage } from '../../src/store/messages-repo';
import { bridgeHarnessWithMessage, queuedRequests, recordManagerMessage } from './helpers/bridge-harness';

const h = bridgeHarnessWithMessage();

describe('POST /bridge/v1/reactions', () => {
  it('reacts to a client message by msgid and a manager message by amojo id, in the conversation', async () => {
    await recordManagerMessage(h, { amojoMsgId: 'amojo-out-1', messengerId: 'tg-out-1' });
    const react = (message: unknown, extra: Record<string, unknown> = {}) =>
      h.post('/bridge/v1/reactions', { sender: { id: 'user-1' }, message, type: 'react', emoji: '👍', ...extra });
    expect((await react({ id: 'm-1' })).status).toBe(202);
    expect((await react({ message_id: 'amojo-out-1' })).status).toBe(202);
    expect((await react({ id: 'tg-out-1' })).status).toBe(202);
    expect(
      (await h.post('/bridge/v1/reactions', { sender: { id: 'user-1' }, message: { id: 'm-1' }, type: 'unreact' }))
        .status,
    ).toBe(202);
    expect(await queuedRequests(h, 'amojo.react')).toEqual([
      {
        conversation_id: 'conv-1',
        msgid: bridgeMsgid(h.a.id, 'm-1'),
        user: { id: 'user-1' },
        type: 'react',
        emoji: '👍',
      },
      { conversation_id: 'conv-1', id: 'amojo-out-1', user: { id: 'user-1' }, type: 'react', emoji: '👍' },
      { conversation_id: 'conv-1', id: 'amojo-out-1', user: { id: 'user-1' }, type: 'react', emoji: '👍' },
      { conversation_id: 'conv-1', msgid: bridgeMsgid(h.a.id, 'm-1'), user: { id: 'user-1' }, type: 'unreact' },
    ]);
  });

  it('names a write-first chat the messenger has not named by conversation_ref_id', async () => {
    const { conversation } = await ensureConversationByAmojoChat(
      h.db,
      { linkId: h.a.id, amojoChatId: 'amojo-chat-9', refPending: true, phone: '79160000000' },
      h.clock.now,
    );
    await recordMessage(
      h.db,
      { linkId: h.a.id, conversationRowId: conversation.id, direction: 'out', amojoMsgId: 'amojo-wf-1' },
      h.clock.now,
    );
    const res = await h.post('/bridge/v1/reactions', {
      sender: { id: 'u-9' },
      message: { message_id: 'amojo-wf-1' },
      type: 'react',
      emoji: '❤️',
    });
    expect(res.status).toBe(202);
    expect(await queuedRequests(h, 'amojo.react')).toEqual([
      { conversation_ref_id: 'amojo-chat-9', id: 'amojo-wf-1', user: { id: 'u-9' }, type: 'react', emoji: '❤️' },
    ]);
  });

  it('dedupes on the reaction id, 409 on a changed body, and 400s react without emoji / unreact with one', async () => {
    const body = { id: 'r-1', sender: { id: 'user-1' }, message: { id: 'm-1' }, type: 'react', emoji: '👍' };
    expect(await (await h.post('/bridge/v1/reactions', body)).json()).toEqual({
      accepted: true,
      id: 'r-1',
      duplicate: false,
    });
    expect(await (await h.post('/bridge/v1/reactions', body)).json()).toEqual({
      accepted: true,
      id: 'r-1',
      duplicate: true,
    });
    expect((await h.post('/bridge/v1/reactions', { ...body, emoji: '🔥' })).status).toBe(409);
    const noEmoji = await h.post('/bridge/v1/reactions', { ...body, id: 'r-2', emoji: undefined });
    expect(((await noEmoji.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe('emoji');
    expect((await h.post('/bridge/v1/reactions', { ...body, id: 'r-3', type: 'unreact' })).status).toBe(400);
    expect(await queuedRequests(h, 'amojo.react')).toHaveLength(1);
  });

  it('404 naming the field for an unknown message', async () => {
    const res = await h.post('/bridge/v1/reactions', {
      sender: { id: 'u' },
      message: { message_id: 'nope' },
      type: 'react',
      emoji: '👍',
    });
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect([res.status, body.error.code, body.error.issues[0]?.path]).toEqual([404, 'not_found', 'message.message_id']);
  });
});
