import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  bridgeAccepted,
  bridgeDeliveryResponse,
  bridgeErrorBody,
  bridgeOutboundEvent,
  parseBridgeDeliveryResponse,
} from '../../../src/contracts/bridge';

const message = {
  id: 'evt-1',
  type: 'message',
  created_at: '2026-01-01T00:00:00.000Z',
  message_id: 'amojo-1',
  conversation: { id: 'c', amojo_chat_id: 'chat' },
  recipient: { id: 'u' },
  sender: { id: 'mgr', name: 'Mary', role: 'manager' },
  message: { type: 'picture', url: 'https://amojo.example/a.jpg', caption: 'see' },
};

describe('bridgeOutboundEvent', () => {
  it('tells the five event types apart', () => {
    const events = [
      message,
      { ...message, type: 'conversation.started', conversation: { amojo_chat_id: 'chat' }, recipient: { phone: '+7' } },
      {
        id: 'e',
        type: 'typing',
        created_at: 'x',
        conversation: { amojo_chat_id: 'chat' },
        sender: { id: 'm' },
        expires_at: 'y',
      },
      {
        id: 'e',
        type: 'reaction',
        created_at: 'x',
        conversation: { id: 'c', amojo_chat_id: 'chat' },
        sender: { id: 'm' },
        action: 'unreact',
        message: { message_id: 'a' },
      },
      { id: 'e', type: 'test', created_at: 'x' },
    ];
    expect(events.map((e) => z.safeParse(bridgeOutboundEvent, e).success)).toEqual([true, true, true, true, true]);
    expect(z.safeParse(bridgeOutboundEvent, { ...message, type: 'other' }).success).toBe(false);
  });

  it('is loose, so a receiver keeps working when fields are added', () => {
    expect(z.safeParse(bridgeOutboundEvent, { ...message, future_field: 1 }).success).toBe(true);
  });

  it('requires a phone on conversation.started and a conversation id on message', () => {
    const started = {
      ...message,
      type: 'conversation.started',
      conversation: { amojo_chat_id: 'chat' },
      recipient: {},
    };
    expect(z.safeParse(bridgeOutboundEvent, started).success).toBe(false);
    expect(z.safeParse(bridgeOutboundEvent, { ...message, conversation: { amojo_chat_id: 'chat' } }).success).toBe(
      false,
    );
  });
});

describe('bridgeDeliveryResponse', () => {
  it('reads ids as strings, drops bad ones one by one, and never throws', () => {
    expect(
      parseBridgeDeliveryResponse('{"message_id":42,"conversation_id":"tg-1","recipient_id":{"x":1},"ok":true}'),
    ).toEqual({
      message_id: '42',
      conversation_id: 'tg-1',
    });
    for (const text of ['', 'OK', '[]', 'null', '"x"', '{"message_id":""}', '{"message_id":1.5}']) {
      expect(parseBridgeDeliveryResponse(text)).toEqual({});
    }
    expect(z.safeParse(bridgeDeliveryResponse, { message_id: 'm', extra: true }).success).toBe(true);
  });

  it('drops an id the database could not keep (NUL, a lone surrogate) and keeps the others', () => {
    expect(
      parseBridgeDeliveryResponse('{"message_id":"m\\u0000","conversation_id":"\\ud800","recipient_id":"u-1"}'),
    ).toEqual({ recipient_id: 'u-1' });
    expect(parseBridgeDeliveryResponse('{"message_id":"\\udc00x"}')).toEqual({});
  });
});

describe('responses', () => {
  it('describe the 202 and the error body', () => {
    expect(z.safeParse(bridgeAccepted, { accepted: true, id: 'm', duplicate: false }).success).toBe(true);
    expect(z.safeParse(bridgeAccepted, { accepted: false, id: 'm', duplicate: false }).success).toBe(false);
    const error = { error: { code: 'invalid_request', message: 'x', issues: [{ path: 'id', message: 'required' }] } };
    expect(z.safeParse(bridgeErrorBody, error).success).toBe(true);
  });
});
