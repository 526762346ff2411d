import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashApiKey, verifyApiKey } from '../../src/store/api-key-hash';

describe('api key hash', () => {
  it('is the SHA-256 hex of the key', () => {
    const key = 'bk_live_0123456789abcdef';
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the right key and rejects any other, including a malformed stored hash', () => {
    const stored = hashApiKey('bk_live_right');
    expect(verifyApiKey('bk_live_right', stored)).toBe(true);
    expect(verifyApiKey('bk_live_wrong', stored)).toBe(false);
    expect(verifyApiKey('bk_live_right', stored.toUpperCase())).toBe(false);
    expect(verifyApiKey('bk_live_right', stored.slice(1))).toBe(false);
    expect(verifyApiKey('bk_live_right', '')).toBe(false);
  });
});
