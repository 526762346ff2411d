import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/amojo/sign-webhook';
import { verifyWebhook } from '../../src/amojo/verify-webhook';

const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const OLD = '0000000000000000000000000000000000000000';
const body = Buffer.from('{"account_id":"a","time":1639572261,"message":{"message":{"id":"m","text":"Привет"}}}');

describe('verifyWebhook', () => {
  it('accepts the HMAC-SHA1 of the raw bytes, in either case, with spaces around', () => {
    const sig = createHmac('sha1', SECRET).update(body).digest('hex');
    expect(signWebhook(body, SECRET)).toBe(sig);
    expect(verifyWebhook({ body, signature: sig, secrets: [SECRET] })).toBe(true);
    expect(verifyWebhook({ body, signature: ` ${sig.toUpperCase()}\n`, secrets: [SECRET] })).toBe(true);
  });

  it('refuses a missing, short, non-hex or wrong signature', () => {
    const sig = signWebhook(body, SECRET);
    for (const signature of [undefined, null, '', sig.slice(2), `${sig}00`, 'g'.repeat(40), signWebhook(body, OLD)]) {
      expect(verifyWebhook({ body, signature, secrets: [SECRET] })).toBe(false);
    }
  });

  it('accepts the previous secret during a rotation, and only the listed ones', () => {
    const byOld = signWebhook(body, OLD);
    expect(verifyWebhook({ body, signature: byOld, secrets: [SECRET, OLD] })).toBe(true);
    expect(verifyWebhook({ body, signature: byOld, secrets: [SECRET] })).toBe(false);
    expect(verifyWebhook({ body, signature: byOld, secrets: [] })).toBe(false);
  });

  it.each(['\n', '\r\n', '\r'])('tolerates one unsigned trailing %j', (ending) => {
    const sig = signWebhook(body, SECRET);
    const received = Buffer.concat([body, Buffer.from(ending)]);
    expect(verifyWebhook({ body: received, signature: sig, secrets: [SECRET] })).toBe(true);
  });

  it('does not strip more than one line ending, nor other whitespace', () => {
    const sig = signWebhook(body, SECRET);
    for (const tail of ['\n\n', '\r\n\r\n', ' ', '\t']) {
      const received = Buffer.concat([body, Buffer.from(tail)]);
      expect(verifyWebhook({ body: received, signature: sig, secrets: [SECRET] })).toBe(false);
    }
  });

  it('verifies what it signs and refuses any single-byte change, for any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), fc.string({ minLength: 1 }), fc.nat(), (bytes, secret, at) => {
        const signature = signWebhook(bytes, secret);
        expect(verifyWebhook({ body: bytes, signature, secrets: [secret] })).toBe(true);
        if (bytes.length === 0) return;
        const mutated = Uint8Array.from(bytes);
        const i = at % mutated.length;
        mutated[i] = (mutated[i]! + 1) % 256;
        // Stripping an ending makes a body shorter, so no same-length mutation can pass as one.
        expect(verifyWebhook({ body: mutated, signature, secrets: [secret] })).toBe(false);
      }),
    );
  });
});
