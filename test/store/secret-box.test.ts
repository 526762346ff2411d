import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseEncryptionKey, SecretBoxError } from '../../src/store/secret-box';

const key = randomBytes(32).toString('base64');

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof SecretBoxError ? error.code : 'other';
  }
  return 'none';
};

describe('secret box', () => {
  it('round-trips any text and never seals the same text the same way twice', () => {
    const box = createSecretBox(key);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const a = box.seal(text);
        const b = box.seal(text);
        expect(a).not.toBe(b);
        expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]*\.[\w-]{22}$/);
        expect(box.open(a)).toBe(text);
      }),
    );
  });

  it('refuses a value changed anywhere, sealed under another key, or opened for another context', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('whsec_signing-secret', 'link-1');
    expect(box.open(sealed, 'link-1')).toBe('whsec_signing-secret');
    expect(codeOf(() => box.open(sealed, 'link-2'))).toBe('tampered');
    expect(codeOf(() => box.open(sealed))).toBe('tampered');
    expect(codeOf(() => createSecretBox(randomBytes(32).toString('base64')).open(sealed, 'link-1'))).toBe('tampered');

    const [version, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    expect(codeOf(() => box.open([version, flip(iv), body, tag].join('.'), 'link-1'))).toBe('tampered');
    expect(codeOf(() => box.open([version, iv, flip(body), tag].join('.'), 'link-1'))).toBe('tampered');
    expect(codeOf(() => box.open([version, iv, body, flip(tag)].join('.'), 'link-1'))).toBe('tampered');
    expect(codeOf(() => box.open(['v2', iv, body, tag].join('.'), 'link-1'))).toBe('unsupported_version');
    expect(codeOf(() => box.open([version, iv, body].join('.'), 'link-1'))).toBe('malformed');
    expect(codeOf(() => box.open([version, iv.slice(4), body, tag].join('.'), 'link-1'))).toBe('malformed');
  });

  it('accepts only standard base64 of exactly 32 bytes as the key, and never echoes it', () => {
    expect(parseEncryptionKey(key)).toHaveLength(32);
    for (const bad of [
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      `${key.slice(0, -2)}!!`,
      '',
    ]) {
      expect(codeOf(() => parseEncryptionKey(bad))).toBe('bad_key');
    }
    try {
      parseEncryptionKey(`${key}x`);
    } catch (error) {
      expect(String(error)).not.toContain(key);
    }
  });

  it('opens values sealed under the previous key, current key first, and seals only under the current one', () => {
    const previousKey = randomBytes(32).toString('base64');
    const old = createSecretBox(previousKey).seal('secret', 'link:1');
    const rotating = createSecretBox(key, previousKey);
    expect(rotating.open(old, 'link:1')).toBe('secret');
    const fresh = rotating.seal('secret', 'link:1');
    expect(createSecretBox(key).open(fresh, 'link:1')).toBe('secret');
    expect(codeOf(() => createSecretBox(previousKey).open(fresh, 'link:1'))).toBe('tampered');
    // The context still binds under either key, and a third key opens nothing.
    expect(codeOf(() => rotating.open(old, 'link:2'))).toBe('tampered');
    expect(codeOf(() => rotating.open(createSecretBox(randomBytes(32).toString('base64')).seal('x'), ''))).toBe(
      'tampered',
    );
    expect(codeOf(() => createSecretBox(key).open(old, 'link:1'))).toBe('tampered');
  });
});
