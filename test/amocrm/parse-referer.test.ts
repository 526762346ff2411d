import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReferer } from '../../src/amocrm/parse-referer';

describe('parseReferer', () => {
  it.each([
    ['acme.amocrm.ru', 'acme', 'amocrm.ru'],
    ['acme.amocrm.ru/', 'acme', 'amocrm.ru'],
    ['https://acme.amocrm.ru', 'acme', 'amocrm.ru'],
    ['https://acme.amocrm.ru/', 'acme', 'amocrm.ru'],
    ['https://shop-2.amocrm.com', 'shop-2', 'amocrm.com'],
    ['kommoshop.kommo.com', 'kommoshop', 'kommo.com'],
    ['HTTPS://Acme.AmoCRM.ru', 'acme', 'amocrm.ru'],
  ])('takes %j', (value, subdomain, domain) => {
    expect(parseReferer(value)).toMatchObject({ subdomain, domain });
  });

  it.each([
    '',
    'http://acme.amocrm.ru',
    'ftp://acme.amocrm.ru',
    '//acme.amocrm.ru',
    'https://acme.amocrm.ru//',
    'https://acme.amocrm.ru/oauth',
    'acme.amocrm.ru/x',
    'https://acme.amocrm.ru:443',
    'acme.amocrm.ru:8080',
    'https://user@acme.amocrm.ru',
    'https://acme.amocrm.ru@evil.example',
    'https://evil.example/acme.amocrm.ru',
    'https://acme.amocrm.ru?x=1',
    'https://acme.amocrm.ru#x',
    'https://acme.amocrm.ru.evil.example',
    'https://evil.example?acme.amocrm.ru',
    'https://a.b.amocrm.ru',
    'https://www.amocrm.ru',
    'https://amocrm.ru',
    'https://acme.amocrm.org',
    'https://acme.kommo.ru',
    ' acme.amocrm.ru',
    'acme.amocrm.ru ',
    'acme.amocrm.ru\n',
    'https://acme%2eamocrm.ru',
    'https://xn--80ak6aa92e.amocrm.ru.evil',
    'https:\\\\acme.amocrm.ru',
    'https://acme.amocrm.ru\\@evil.example',
  ])('refuses %j', (value) => {
    expect(parseReferer(value)).toBeNull();
  });

  const ONE_LABEL_HOST = /^[a-z0-9-]+\.(amocrm\.(ru|com)|kommo\.com)$/;

  it('never passes anything but one label under the three CRM domains (fast-check)', () => {
    const pieces = fc.constantFrom(
      'https://',
      'http://',
      'acme',
      'www',
      '.',
      '/',
      ':',
      '@',
      '?',
      '#',
      '%',
      '\\',
      ' ',
      '-',
      'amocrm.ru',
      'amocrm.com',
      'kommo.com',
      'evil.example',
      '443',
      'x',
    );
    const candidates = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 8 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(candidates, (value) => {
        const host = parseReferer(value);
        if (host === null) return;
        expect(`${host.subdomain}.${host.domain}`).toMatch(ONE_LABEL_HOST);
        expect(host.subdomain).not.toBe('www');
        // Nothing but the scheme, the case, one trailing dot and one trailing slash may surround the host.
        const bare = value
          .toLowerCase()
          .replace(/^https:\/\//, '')
          .replace(/\/$/, '')
          .replace(/\.$/, '');
        expect(bare).toBe(`${host.subdomain}.${host.domain}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every valid referer once anything is added around it (fast-check)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/).filter((l) => l !== 'www');
    const domain = fc.constantFrom('amocrm.ru', 'amocrm.com', 'kommo.com');
    const decorate = fc.constantFrom<(host: string) => string>(
      (h) => `http://${h}`,
      (h) => `https://${h}:443`,
      (h) => `https://${h}/path`,
      (h) => `https://user@${h}`,
      (h) => `https://${h}?q`,
      (h) => `https://${h}#f`,
      (h) => `https://${h}.evil.example`,
      (h) => `https://evil.example/${h}`,
      (h) => `https://x.${h}`,
      (h) => `${h}//`,
    );
    fc.assert(
      fc.property(label, domain, decorate, (l, d, wrap) => {
        expect(parseReferer(`https://${l}.${d}/`)).toEqual(expect.objectContaining({ subdomain: l, domain: d }));
        expect(parseReferer(wrap(`${l}.${d}`))).toBeNull();
      }),
    );
  });
});
