import { describe, expect, it } from 'vitest';
import { amojoBaseUrl, regionOfAccountHost } from '../../src/amojo/amojo-hosts';
import { isDuplicateMsgid } from '../../src/amojo/is-duplicate-msgid';

describe('amojo hosts', () => {
  it.each([
    ['acme.amocrm.ru', 'ru', 'https://amojo.amocrm.ru'],
    ['Acme.AmoCRM.com.', 'com', 'https://amojo.amocrm.com'],
    ['acme.kommo.com', 'kommo', 'https://amojo.kommo.com'],
  ] as const)('%s is served by %s', (host, region, base) => {
    expect(regionOfAccountHost(host)).toBe(region);
    expect(amojoBaseUrl(region)).toBe(base);
  });

  it.each(['amocrm.ru.evil.com', 'kommo.com', 'evilkommo.com', ''])(
    'does not take %j for an amoCRM account',
    (host) => {
      expect(regionOfAccountHost(host)).toBeNull();
    },
  );

  it('lets AMOJO_BASE_URL override every region', () => {
    expect(amojoBaseUrl('kommo', 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
  });
});

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
