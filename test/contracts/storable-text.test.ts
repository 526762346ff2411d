import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { isStorableText, storableText, toWellFormedText } from '../../src/contracts/storable-text';

describe('isStorableText', () => {
  it.each([
    ['', true],
    ['plain ascii', true],
    ['Кириллица и 漢字', true],
    ['a pair 👍 and \ud83d\ude00', true],
    ['tab\tand newline\n', true],
    ['a\u0000b', false],
    ['\u0000', false],
    ['\ud800', false],
    ['\udc00', false],
    ['high then text \ud83dx', false],
    ['text then low x\ude00', false],
    ['low before high \ude00\ud83d', false],
  ])('%j: %s', (value, ok) => {
    expect(isStorableText(value)).toBe(ok);
  });
});

describe('storableText', () => {
  it('is a check that fails the string with its own message', () => {
    const schema = z.string().check(storableText);
    expect(z.safeParse(schema, 'ok 👍').success).toBe(true);
    const result = z.safeParse(schema, 'c\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'must not contain NUL or unpaired surrogate characters',
    ]);
  });
});

describe('toWellFormedText', () => {
  it('replaces each lone surrogate with U+FFFD and keeps pairs, so the result is storable', () => {
    expect(toWellFormedText('a\ud800b\udc00 👍')).toBe('a\ufffdb\ufffd 👍');
    expect(isStorableText(toWellFormedText('\udfff\ud83d'))).toBe(true);
  });
});
