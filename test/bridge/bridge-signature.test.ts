import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signBridgeDelivery } from '../../src/bridge/sign-bridge-delivery';
import { verifyBridgeDelivery } from '../../src/bridge/verify-bridge-delivery';

const body = Buffer.from('{"type":"message","text":"Olá"}');
const secret = 'whsec_test';

describe('bridge delivery signature', () => {
  it('is HMAC-SHA256 over "<timestamp>." and the body', () => {
    const headers = signBridgeDelivery({ secret, timestamp: 1_700_000_000, body });
    const expected = createHmac('sha256', secret).update(`1700000000.${body.toString()}`).digest('hex');
    expect(headers).toEqual({ 'X-Channel-Timestamp': '1700000000', 'X-Channel-Signature': `sha256=${expected}` });
  });

  // Vectors computed outside this codebase (Python's hmac module) from the rule HMAC-SHA256(secret, "<ts>.<body>").
  it('matches independently computed vectors over UTF-8 secret and body', () => {
    const sign = (secret: string, body: string) =>
      signBridgeDelivery({ secret, timestamp: 1700000000, body: Buffer.from(body) })['X-Channel-Signature'];
    expect(sign('cs_test_secret', '{"type":"test"}')).toBe(
      'sha256=49a8d2136b8439cf5a3806959d9296582647ae537591011d679d75f8f97b0a2a',
    );
    expect(sign('cs_ключ', '{"text":"привет"}')).toBe(
      'sha256=18ad443118614078184405891b73df9f6c5cc7ae2775683b2a7417a724eac842',
    );
  });

  it('verifies within five minutes, with a rotated secret, and refuses stale, missing and forged ones', () => {
    const h = signBridgeDelivery({ secret, timestamp: 1000, body });
    const check = (over: Partial<Parameters<typeof verifyBridgeDelivery>[0]>) =>
      verifyBridgeDelivery({
        secrets: [secret],
        timestamp: h['X-Channel-Timestamp'],
        signature: h['X-Channel-Signature'],
        body,
        now: 1000,
        ...over,
      });
    expect(check({})).toBe('ok');
    expect(check({ now: 1300 })).toBe('ok');
    expect(check({ secrets: ['new', secret] })).toBe('ok');
    expect(check({ now: 1301 })).toBe('stale');
    expect(check({ timestamp: undefined })).toBe('missing');
    expect(check({ timestamp: '999' })).toBe('mismatch');
    expect(check({ secrets: ['other'] })).toBe('mismatch');
    expect(check({ body: Buffer.from(`${body.toString()} `) })).toBe('mismatch');
  });

  it('round-trips any body (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.string({ minLength: 1 }), fc.nat(2 ** 31), (bytes, key, ts) => {
        const h = signBridgeDelivery({ secret: key, timestamp: ts, body: bytes });
        const verdict = verifyBridgeDelivery({
          secrets: [key],
          timestamp: h['X-Channel-Timestamp'],
          signature: h['X-Channel-Signature'],
          body: bytes,
          now: ts,
        });
        expect(verdict).toBe('ok');
      }),
    );
  });
});
