import { describe, expect, it } from 'vitest';
import { parseAccountHost } from '../../src/amocrm/account-hosts';
import { amojoBaseUrl, isAmojoRegion } from '../../src/amojo/amojo-hosts';

describe('parseAccountHost', () => {
  it.each([
    ['acme.amocrm.ru', 'ru', 'https://amojo.amocrm.ru'],
    ['Acme.AmoCRM.com.', 'com', 'https://amojo.amocrm.com'],
    ['acme.kommo.com', 'kommo', 'https://amojo.kommo.com'],
  ] as const)('%s is served by %s', (host, region, base) => {
    expect(parseAccountHost(host)?.region).toBe(region);
    expect(amojoBaseUrl(region)).toBe(base);
  });

  it('names the subdomain and the domain', () => {
    expect(parseAccountHost('acme-2.kommo.com')).toEqual({ subdomain: 'acme-2', domain: 'kommo.com', region: 'kommo' });
  });

  it.each(['amocrm.ru.evil.com', 'kommo.com', 'evilkommo.com', ''])(
    'does not take %j for an amoCRM account',
    (host) => {
      expect(parseAccountHost(host)).toBeNull();
    },
  );

  // The two region maps this one replaced differed here: the host map took any name under the domains. An account is
  // one label (widget-platform §7), and the CRM's own site is no account.
  it.each(['a.b.amocrm.ru', 'www.amocrm.ru', '-acme.amocrm.ru', 'acme..amocrm.ru'])('refuses %j', (host) => {
    expect(parseAccountHost(host)).toBeNull();
  });
});

describe('isAmojoRegion', () => {
  it('knows the three regions and nothing inherited', () => {
    expect(['ru', 'com', 'kommo', 'constructor', 'toString', ''].map(isAmojoRegion)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('lets AMOJO_BASE_URL override every region', () => {
    expect(amojoBaseUrl('kommo', 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
  });
});
