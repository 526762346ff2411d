import { describe, expect, it } from 'vitest';
import { isDuplicateMsgid } from '../../src/amojo/is-duplicate-msgid';

describe('isDuplicateMsgid', () => {
  it('recognises a 400 that names msgid as a duplicate', () => {
    expect(isDuplicateMsgid(400, { error_description: 'Message with this msgid already exists' })).toBe(true);
    expect(isDuplicateMsgid(400, 'duplicate msgid')).toBe(true);
  });

  it('does not take other refusals for one', () => {
    expect(isDuplicateMsgid(400, { error_description: 'msgid is required' })).toBe(false);
    expect(isDuplicateMsgid(409, 'duplicate msgid')).toBe(false);
    expect(isDuplicateMsgid(400, undefined)).toBe(false);
  });
});
