import { describe, expect, it } from 'vitest';
import { parseAccountOrigin } from '../../../src/server/auth/parse-account-origin';

describe('parseAccountOrigin', () => {
  it.each([
    ['https://shop.amocrm.ru', 'shop', 'amocrm.ru', 'ru'],
    ['https://shop.amocrm.com', 'shop', 'amocrm.com', 'com'],
    ['https://my-shop1.kommo.com/', 'my-shop1', 'kommo.com', 'kommo'],
  ])('reads %s', (value, subdomain, domain, region) => {
    expect(parseAccountOrigin(value)).toEqual({ origin: value.replace(/\/$/, ''), subdomain, domain, region });
  });

  it.each([
    'http://shop.amocrm.ru',
    'https://shop.amocrm.ru:443',
    'https://shop.amocrm.ru//',
    'https://shop.amocrm.ru?x=1',
    'https://shop.amocrm.ru#x',
    'https://SHOP.amocrm.ru',
    'https://-shop.amocrm.ru',
    'https://shop.amocrm.de',
    'https://shop.kommo.com.evil.io',
    'https:\\\\shop.amocrm.ru',
    'https://a.b.amocrm.ru',
    'https://amocrm.ru',
    'https://www.amocrm.ru',
    'https://www.kommo.com',
    'https://user:pw@shop.amocrm.ru',
    'not a url',
    '',
  ])('refuses %s', (value) => {
    expect(parseAccountOrigin(value)).toBeNull();
  });
});
