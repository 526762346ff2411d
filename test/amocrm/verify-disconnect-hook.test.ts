import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signDisconnectHook, verifyDisconnectHook } from '../../src/amocrm/verify-disconnect-hook';

const keys = { clientId: '8a5b2c7e-1111-4222-8333-944455556666', clientSecret: 'Zr9vS3cr3tOfTheIntegrationXyZ' };
// Computed outside this code base: printf '%s' '<client_id>|29456789' | openssl dgst -sha256 -hmac '<secret>' -hex
const VECTOR = '4cc67f5f120b5c68845780124f97be0cc84cc0f3157f1f1c2505db227bf808dc';
const hook = (overrides: Record<string, string | undefined> = {}) => ({
  account_id: '29456789',
  client_uuid: keys.clientId,
  signature: VECTOR,
  ...overrides,
});

describe('verifyDisconnectHook', () => {
  it('accepts the openssl vector and names the account', () => {
    expect(signDisconnectHook(keys.clientId, keys.clientSecret, 29456789)).toBe(VECTOR);
    expect(verifyDisconnectHook(hook(), keys)).toEqual({ ok: true, accountId: 29456789 });
  });

  it.each([
    ['no account_id', { account_id: undefined }],
    ['an empty signature', { signature: '' }],
    ['no client_uuid', { client_uuid: undefined }],
  ])('refuses %s as missing_fields', (_name, overrides) => {
    expect(verifyDisconnectHook(hook(overrides), keys)).toEqual({ ok: false, reason: 'missing_fields' });
  });

  it('refuses another integration', () => {
    const other = { client_uuid: '00000000-1111-4222-8333-944455556666' };
    expect(verifyDisconnectHook(hook(other), keys)).toEqual({ ok: false, reason: 'client_mismatch' });
  });

  it('takes our client id in any case, checking the signature over the spelling received', () => {
    const upper = keys.clientId.toUpperCase();
    const signature = createHmac('sha256', keys.clientSecret).update(`${upper}|29456789`).digest('hex');
    expect(verifyDisconnectHook(hook({ client_uuid: upper, signature }), keys)).toEqual({
      ok: true,
      accountId: 29456789,
    });
    // The same upper-case id with the lower-case spelling's signature was not what amoCRM signed.
    expect(verifyDisconnectHook(hook({ client_uuid: upper }), keys).ok).toBe(false);
  });

  it.each(['0', '-5', '+5', '012', '1e3', '12.0', ' 12', '12 ', '0x1F', '99999999999999999999', 'abc'])(
    'refuses account_id %j',
    (accountId) => {
      expect(verifyDisconnectHook(hook({ account_id: accountId }), keys)).toEqual({
        ok: false,
        reason: 'bad_account_id',
      });
    },
  );

  it.each([
    ['another account', { account_id: '29456790' }],
    ['a truncated signature', { signature: VECTOR.slice(0, 63) }],
    ['a longer signature', { signature: `${VECTOR}00` }],
    ['one flipped digit', { signature: `${VECTOR.slice(0, -1)}d` }],
    ['non-hex of the right length', { signature: 'z'.repeat(64) }],
    ['multibyte text of the right length', { signature: 'é'.repeat(32) }],
    [
      'the signature made with another secret',
      { signature: createHmac('sha256', 'x').update(`${keys.clientId}|29456789`).digest('hex') },
    ],
  ])('refuses %s as signature_invalid without throwing', (_name, overrides) => {
    expect(verifyDisconnectHook(hook(overrides), keys)).toEqual({ ok: false, reason: 'signature_invalid' });
  });

  it('reads the hex of the signature case-insensitively', () => {
    expect(verifyDisconnectHook(hook({ signature: VECTOR.toUpperCase() }), keys).ok).toBe(true);
  });

  it('accepts exactly what it signs, for any account id (fast-check against node crypto directly)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.string({ minLength: 1 }), (id, secret) => {
        const signature = createHmac('sha256', secret).update(`${keys.clientId}|${id}`).digest('hex');
        const own = { clientId: keys.clientId, clientSecret: secret };
        const query = { account_id: String(id), client_uuid: keys.clientId, signature };
        expect(verifyDisconnectHook(query, own)).toEqual({ ok: true, accountId: id });
        expect(verifyDisconnectHook({ ...query, account_id: String(id + 1) }, own).ok).toBe(false);
      }),
    );
  });
});
