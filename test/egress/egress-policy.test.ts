import { describe, expect, it } from 'vitest';
import { egressRefusal, isAddressAllowed } from '../../src/egress/egress-policy';
import {
  DEFAULT_MEDIA_HOSTS,
  egressPolicies,
  isEgressSetting,
  parseEgressSettings,
} from '../../src/egress/egress-settings';

const production = egressPolicies(parseEgressSettings(), false);
const sandbox = egressPolicies(parseEgressSettings('127.0.0.0/8,::1/128', '127.0.0.1'), true);
const refusal = (url: string, policy = production.webhooks) => egressRefusal(new URL(url), policy);

describe('the egress policies', () => {
  it('lets webhooks go to any public https URL, and nowhere else', () => {
    expect(refusal('https://messenger.example.com/hook')).toBeUndefined();
    expect(refusal('https://8.8.8.8/hook')).toBeUndefined();
    expect(refusal('http://messenger.example.com/hook')).toContain('http');
    expect(refusal('https://u:p@messenger.example.com/hook')).toContain('credentials');
    for (const url of ['https://127.0.0.1/', 'https://localhost/', 'https://a.localhost./', 'https://[::1]/']) {
      expect([url, refusal(url)]).toEqual([url, 'the address is not public']);
    }
    expect(refusal('https://0x7f.1/')).toBe('the address is not public');
  });

  it('takes media from the attachment hosts over https only; MEDIA_HOSTS adds hosts and *.subdomains', () => {
    const media = production.media;
    for (const host of DEFAULT_MEDIA_HOSTS) expect(refusal(`https://${host}/attachments/a.png`, media)).toBeUndefined();
    expect(refusal('https://AMOJO.amocrm.ru./attachments/a.png', media)).toBeUndefined();
    expect(refusal('http://amojo.amocrm.ru/attachments/a.png', media)).toContain('http');
    expect(refusal('https://evil.example/a.png', media)).toBe('the host is not allowed');
    expect(refusal('https://amojo.amocrm.ru.evil.example/a.png', media)).toBe('the host is not allowed');
    const extended = egressPolicies(parseEgressSettings('', 'files.example.com, *.cdn.example'), false).media;
    expect(refusal('https://files.example.com/a', extended)).toBeUndefined();
    expect(refusal('https://eu.cdn.example/a', extended)).toBeUndefined();
    expect(refusal('https://cdn.example/a', extended)).toBe('the host is not allowed');
  });

  it('opens loopback and plain http in the sandbox only through its allow list, not for other ranges', () => {
    expect(refusal('http://127.0.0.1:4000/hook', sandbox.webhooks)).toBeUndefined();
    expect(refusal('http://[::1]:4000/hook', sandbox.webhooks)).toBeUndefined();
    expect(refusal('http://10.0.0.5/hook', sandbox.webhooks)).toBe('the address is not public');
    expect(refusal('http://127.0.0.1:4001/files/a.png', sandbox.media)).toBeUndefined();
    expect(refusal('http://localhost:4001/files/a.png', sandbox.media)).toBe('the host is not allowed');
    // Without the allow list, sandbox mode alone opens no address.
    expect(refusal('http://127.0.0.1:4000/hook', egressPolicies(parseEgressSettings(), true).webhooks)).toBe(
      'the address is not public',
    );
  });

  it('lets EGRESS_ALLOW open one range, also in its IPv4-mapped form', () => {
    const policy = { allow: parseEgressSettings('10.20.0.0/16').allow };
    expect(isAddressAllowed('10.20.1.2', policy)).toBe(true);
    expect(isAddressAllowed('::ffff:10.20.1.2', policy)).toBe(true);
    expect(isAddressAllowed('10.21.1.2', policy)).toBe(false);
    expect(isAddressAllowed('127.0.0.1', policy)).toBe(false);
    expect(isAddressAllowed('8.8.8.8', policy)).toBe(true);
    expect(isAddressAllowed('not an address', policy)).toBe(false);
  });

  it('validates the variables for the config schema', () => {
    expect(isEgressSetting('allow', '10.0.0.0/8, fd00::/8')).toBe(true);
    expect(isEgressSetting('allow', '10.0.0.0/40')).toBe(false);
    expect(isEgressSetting('mediaHosts', 'files.example.com,*.cdn.example')).toBe(true);
    expect(isEgressSetting('mediaHosts', 'https://files.example.com')).toBe(false);
    expect(() => parseEgressSettings('', 'a_b.example')).toThrow('"a_b.example" is not a host name');
  });
});
