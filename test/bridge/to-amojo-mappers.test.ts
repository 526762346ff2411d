import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid, messengerIdFromMsgid } from '../../src/bridge/bridge-msgid';
import { toAmojoDeliveryStatus } from '../../src/bridge/to-amojo-delivery-status';
import { toAmojoMessage } from '../../src/bridge/to-amojo-message';
import { toAmojoTyping } from '../../src/bridge/to-amojo-typing';
import { deliveryStatusRequest, newMessageRequest, typingRequest } from '../../src/contracts/amojo';
import { type BridgeMessageRequest, bridgeMessageRequest } from '../../src/contracts/bridge';

describe('bridgeMsgid', () => {
  it('is deterministic, link-scoped and reversible for plain ids', () => {
    expect(bridgeMsgid('L1', 'abc-123')).toBe('L1:abc-123');
    expect(bridgeMsgid('L1', 'abc-123')).not.toBe(bridgeMsgid('L2', 'abc-123'));
    expect(messengerIdFromMsgid('L1', 'L1:abc-123')).toBe('abc-123');
    expect(messengerIdFromMsgid('L2', 'L1:abc-123')).toBeUndefined();
    expect(messengerIdFromMsgid('L1', undefined)).toBeUndefined();
  });

  it('hashes long or unusual ids to a bounded length, distinctly (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 255 }), fc.string({ minLength: 1, maxLength: 255 }), (x, y) => {
        const a = bridgeMsgid('5f0c2b7e-1111-4222-8333-444455556666', x);
        expect(a).toBe(bridgeMsgid('5f0c2b7e-1111-4222-8333-444455556666', x));
        expect(a.length).toBeLessThanOrEqual(37 + 80);
        if (x !== y) expect(a).not.toBe(bridgeMsgid('5f0c2b7e-1111-4222-8333-444455556666', y));
        const back = messengerIdFromMsgid('5f0c2b7e-1111-4222-8333-444455556666', a);
        if (back !== undefined) expect(back).toBe(x);
      }),
    );
  });
});

describe('toAmojoMessage', () => {
  it('produces a valid new_message for any valid bridge message (property)', () => {
    const text = fc.string({ minLength: 1 }).filter((s) => s.trim() !== '');
    const url = fc.webUrl({ validSchemes: ['https'] });
    const content = fc.oneof(
      fc.record({ type: fc.constant('text'), text }),
      fc.record({ type: fc.constantFrom('picture', 'video', 'file'), url, file_name: text, file_size: fc.nat() }),
      fc.record({ type: fc.constantFrom('voice', 'audio'), url }),
      fc.record({ type: fc.constant('sticker'), sticker_id: text }),
      fc.record({
        type: fc.constant('location'),
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      }),
      fc.record({ type: fc.constant('contact'), name: text, phone: text }),
    );
    let valid = 0;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 255 }), content, fc.boolean(), (id, message, silent) => {
        const parsed = z.safeParse(bridgeMessageRequest, {
          id,
          conversation: { id: 'c' },
          sender: { id: 'u', name: 'N' },
          message,
          silent,
        });
        if (!parsed.success) return;
        valid += 1;
        const request = toAmojoMessage(parsed.data, { linkId: 'L', now: 1_767_000_000_000 });
        const checked = z.safeParse(newMessageRequest, request);
        expect(checked.success).toBe(true);
        expect(request.payload.silent).toBe(silent);
      }),
      { numRuns: 200 },
    );
    // The generators aim at valid bodies; most of them must really be valid, or this proves nothing.
    expect(valid).toBeGreaterThan(150);
  });

  it('keeps conversation and sender ids as the messenger sent them', () => {
    const body: BridgeMessageRequest = {
      id: 'm',
      conversation: { id: 'chat:42' },
      sender: {
        id: 'user:7',
        name: 'Ann',
        avatar: 'https://cdn.example/a.png',
        profile_link: 'https://social.example/ann',
      },
      message: { type: 'text', text: 'x' },
    };
    expect(toAmojoMessage(body, { linkId: 'L', now: 1_000_000_000_000 }).payload).toMatchObject({
      conversation_id: 'chat:42',
      sender: {
        id: 'user:7',
        name: 'Ann',
        avatar: 'https://cdn.example/a.png',
        profile_link: 'https://social.example/ann',
      },
      timestamp: 1_000_000_000,
    });
  });
});

describe('toAmojoTyping and toAmojoDeliveryStatus', () => {
  it('build valid amojo bodies', () => {
    expect(z.safeParse(typingRequest, toAmojoTyping({ conversation: { id: 'c' }, sender: { id: 'u' } })).success).toBe(
      true,
    );
    for (const status of ['delivered', 'read'] as const) {
      expect(
        z.safeParse(deliveryStatusRequest, toAmojoDeliveryStatus({ message: { message_id: 'a' }, status }, 'a'))
          .success,
      ).toBe(true);
    }
    const failed = toAmojoDeliveryStatus(
      { message: { message_id: 'a' }, status: 'failed', reason: 'other', text: '  Blocked by user  ' },
      'a',
    );
    expect(failed).toEqual({ msgid: 'a', delivery_status: -1, error_code: 905, error: 'Blocked by user' });
    expect(z.safeParse(deliveryStatusRequest, failed).success).toBe(true);
  });
});
