import { describe, expect, it } from 'vitest';
import { accountBaseUrl } from '../../src/amocrm/account-base-url';
import { parseAccountHost } from '../../src/amocrm/account-hosts';
import { oauthPopupUrl } from '../../src/amocrm/oauth-popup-url';

describe('accountBaseUrl', () => {
  it.each([
    ['acme.amocrm.ru', 'https://acme.amocrm.ru'],
    ['acme.amocrm.com', 'https://acme.amocrm.com'],
    ['acme.kommo.com', 'https://acme.kommo.com'],
  ])('%s -> %s', (host, base) => {
    expect(accountBaseUrl(parseAccountHost(host)!)).toBe(base);
  });

  it('lets AMOCRM_API_BASE_URL win, without its trailing slash', () => {
    expect(accountBaseUrl(parseAccountHost('acme.kommo.com')!, 'http://127.0.0.1:9100/')).toBe('http://127.0.0.1:9100');
    expect(accountBaseUrl(parseAccountHost('acme.kommo.com')!, '')).toBe('https://acme.kommo.com');
  });
});

describe('oauthPopupUrl', () => {
  const input = { clientId: '8a5b2c7e-1111-4222-8333-944455556666', state: 's t&a=te', mode: 'post_message' } as const;

  it.each([
    ['amocrm.ru', 'https://www.amocrm.ru'],
    ['amocrm.com', 'https://www.amocrm.com'],
    ['kommo.com', 'https://www.kommo.com'],
  ] as const)('opens the grant page of %s on %s', (domain, origin) => {
    const url = new URL(oauthPopupUrl({ ...input, domain }));
    expect(url.origin + url.pathname).toBe(`${origin}/oauth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: input.clientId,
      state: input.state,
      mode: 'post_message',
    });
  });

  it('uses the sandbox emulator when overridden', () => {
    expect(oauthPopupUrl({ ...input, mode: 'popup', domain: 'amocrm.ru', override: 'http://127.0.0.1:9100/' })).toBe(
      'http://127.0.0.1:9100/oauth?client_id=8a5b2c7e-1111-4222-8333-944455556666&state=s+t%26a%3Dte&mode=popup',
    );
  });
});
