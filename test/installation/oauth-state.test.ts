import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveOAuthStateKey, issueOAuthState, verifyOAuthState } from '../../src/installation/oauth-state';
import { deriveMediaLinkKey } from '../../src/media/media-link';

const KEY_TEXT = Buffer.alloc(32, 3).toString('base64');
const key = deriveOAuthStateKey(KEY_TEXT);
const NOW = 1_800_000_000_000;
const MIN = 60 * 1000;

describe('OAuth state', () => {
  it('round-trips account, language and nonce until it expires (30 min by default)', () => {
    const state = issueOAuthState({ key, accountId: 31_000_001, lang: 'ru', now: NOW, nonce: 'nonce-123456' });
    expect(verifyOAuthState(state, { key, now: NOW + 29 * MIN })).toEqual({
      accountId: 31_000_001,
      lang: 'ru',
      nonce: 'nonce-123456',
      expiresAt: NOW + 30 * MIN,
    });
    expect(verifyOAuthState(state, { key, now: NOW + 30 * MIN })).toBeNull();
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('draws a fresh random nonce for every state and honours ttlMs', () => {
    const a = verifyOAuthState(issueOAuthState({ key, accountId: 1, lang: 'en', now: NOW, ttlMs: MIN }), {
      key,
      now: NOW,
    });
    const b = verifyOAuthState(issueOAuthState({ key, accountId: 1, lang: 'en', now: NOW }), { key, now: NOW });
    expect(a?.nonce).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(a?.nonce).not.toBe(b?.nonce);
    expect(a?.expiresAt).toBe(NOW + MIN);
  });

  it('refuses any change to the claims or the signature', () => {
    const state = issueOAuthState({ key, accountId: 7, lang: 'ru', now: NOW });
    const [body = '', sig = ''] = state.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, accountId: 8 })).toString('base64url');
    expect(verifyOAuthState(`${forged}.${sig}`, { key, now: NOW })).toBeNull();
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(verifyOAuthState(`${body}.${flipped}`, { key, now: NOW })).toBeNull();
    for (const broken of [
      '',
      '.',
      body,
      `${body}.`,
      `.${sig}`,
      `${body}.${sig}.x`,
      `${body}.${sig}=`,
      `${body}+.${sig}`,
    ]) {
      expect(verifyOAuthState(broken, { key, now: NOW })).toBeNull();
    }
  });

  it('refuses a state signed with another key, including the media link key of the same secret', () => {
    const state = issueOAuthState({ key, accountId: 7, lang: 'ru', now: NOW });
    const otherKey = deriveOAuthStateKey(Buffer.alloc(32, 4).toString('base64'));
    expect(verifyOAuthState(state, { key: otherKey, now: NOW })).toBeNull();
    expect(deriveMediaLinkKey(KEY_TEXT).equals(key)).toBe(false);
    expect(
      verifyOAuthState(issueOAuthState({ key: deriveMediaLinkKey(KEY_TEXT), accountId: 7, lang: 'ru', now: NOW }), {
        key,
        now: NOW,
      }),
    ).toBeNull();
  });

  it('refuses an oversized state before anything else, even one correctly signed', () => {
    const bulky = issueOAuthState({ key, accountId: 7, lang: 'ru', now: NOW, nonce: 'n'.repeat(64) });
    expect(verifyOAuthState(bulky, { key, now: NOW })).not.toBeNull();
    expect(verifyOAuthState(`${'A'.repeat(2000)}.${'B'.repeat(43)}`, { key, now: NOW })).toBeNull();
    // Signed by us but carrying claims outside the schema (too long a language) is refused too.
    expect(() => issueOAuthState({ key, accountId: 7, lang: 'x'.repeat(17), now: NOW })).toThrow();
  });

  it('verifies whatever it issued, for any account, language and time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.string({ minLength: 1, maxLength: 16 }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (accountId, lang, now) => {
          const state = issueOAuthState({ key, accountId, lang, now });
          expect(verifyOAuthState(state, { key, now })).toMatchObject({ accountId, lang });
        },
      ),
      { numRuns: 200 },
    );
  });
});
