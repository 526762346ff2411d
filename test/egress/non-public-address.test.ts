import { describe, expect, it } from 'vitest';
import { isNonPublicAddress } from '../../src/egress/non-public-address';

// Written from the registries (IANA IPv4/IPv6 special-purpose), not from the implementation's list: each range with
// its first and last address, and a public neighbour on each side where there is one.
const ipv4: [range: string, first: string, last: string, outside: string[]][] = [
  ['0.0.0.0/8', '0.0.0.0', '0.255.255.255', ['1.0.0.1']],
  ['10.0.0.0/8', '10.0.0.0', '10.255.255.255', ['9.255.255.255', '11.0.0.0']],
  ['100.64.0.0/10', '100.64.0.0', '100.127.255.255', ['100.63.255.255', '100.128.0.0']],
  ['127.0.0.0/8', '127.0.0.0', '127.255.255.255', ['126.255.255.255', '128.0.0.0']],
  ['169.254.0.0/16', '169.254.0.0', '169.254.255.255', ['169.253.255.255', '169.255.0.0']],
  ['172.16.0.0/12', '172.16.0.0', '172.31.255.255', ['172.15.255.255', '172.32.0.0']],
  ['192.0.0.0/24', '192.0.0.0', '192.0.0.255', ['191.255.255.255', '192.0.1.0']],
  ['192.0.2.0/24', '192.0.2.0', '192.0.2.255', ['192.0.1.255', '192.0.3.0']],
  ['192.88.99.0/24', '192.88.99.0', '192.88.99.255', ['192.88.98.255', '192.88.100.0']],
  ['192.168.0.0/16', '192.168.0.0', '192.168.255.255', ['192.167.255.255', '192.169.0.0']],
  ['198.18.0.0/15', '198.18.0.0', '198.19.255.255', ['198.17.255.255', '198.20.0.0']],
  ['198.51.100.0/24', '198.51.100.0', '198.51.100.255', ['198.51.99.255', '198.51.101.0']],
  ['203.0.113.0/24', '203.0.113.0', '203.0.113.255', ['203.0.112.255', '203.0.114.0']],
  ['224.0.0.0/4', '224.0.0.0', '239.255.255.255', ['223.255.255.255']],
  ['240.0.0.0/4', '240.0.0.0', '255.255.255.255', []],
];

const ipv6: [range: string, first: string, last: string, outside: string[]][] = [
  ['::/128 unspecified', '::', '::', []],
  ['::1/128 loopback', '::1', '::1', []],
  ['::/96 IPv4-compatible', '::a9fe:a9fe', '::ffff:ffff', []],
  ['64:ff9b:1::/48 local NAT64', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', []],
  ['100::/64 discard', '100::', '100::ffff:ffff:ffff:ffff', []],
  ['2001::/32 Teredo', '2001::', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff', []],
  ['2001::/23 IETF', '2001:2::1', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', ['2001:200::1']],
  ['2001:db8::/32 documentation', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', ['2001:db9::1']],
  ['2002::/16 6to4', '2002::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ['2003::1', '2001:4860::1']],
  ['3fff::/20 documentation', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', ['3fff:1000::1']],
  ['5f00::/16 SRv6', '5f00::', '5f00:ffff::1', []],
  ['fc00::/7 ULA', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', []],
  ['fe80::/10 link-local', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', []],
  ['fec0::/10 site-local', 'fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', []],
  ['ff00::/8 multicast', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', []],
  ['outside 2000::/3', '4000::1', '1fff:ffff::1', ['2000::1', '3ffe::1']],
];

describe('isNonPublicAddress', () => {
  it.each([...ipv4, ...ipv6])('refuses %s from %s to %s, and not its public neighbours', (_, first, last, outside) => {
    expect(isNonPublicAddress(first)).toBe(true);
    expect(isNonPublicAddress(last)).toBe(true);
    for (const address of outside) expect([address, isNonPublicAddress(address)]).toEqual([address, false]);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '2a00:1450:4001:80b::200e', '2606:4700:4700::1111'])(
    'allows the public address %s',
    (address) => {
      expect(isNonPublicAddress(address)).toBe(false);
    },
  );

  it('judges IPv4-mapped and NAT64 addresses by the IPv4 address they reach', () => {
    expect(isNonPublicAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isNonPublicAddress('::ffff:7f00:1')).toBe(true);
    expect(isNonPublicAddress('::ffff:169.254.169.254')).toBe(true);
    expect(isNonPublicAddress('::ffff:8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('64:ff9b::10.0.0.5')).toBe(true);
    expect(isNonPublicAddress('64:ff9b::a9fe:a9fe')).toBe(true);
    expect(isNonPublicAddress('64:ff9b::8.8.8.8')).toBe(false);
    // SIIT's ::ffff:0:a.b.c.d is no carrier: outside 2000::/3, refused whatever it embeds.
    expect(isNonPublicAddress('::ffff:0:808:808')).toBe(true);
  });

  it('reads brackets and zones, and counts anything that is no address as non-public', () => {
    expect(isNonPublicAddress('[::1]')).toBe(true);
    expect(isNonPublicAddress('fe80::1%eth0')).toBe(true);
    expect(isNonPublicAddress('[2606:4700:4700::1111]')).toBe(false);
    for (const text of ['', 'localhost', 'example.com', '127.1', '999.0.0.1', '1::2::3']) {
      expect([text, isNonPublicAddress(text)]).toEqual([text, true]);
    }
  });
});
