import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseCidrList } from '../../src/egress/cidr';
import { ipBytes } from '../../src/egress/ip-bytes';

const bytes = (address: string) => ipBytes(address) ?? new Uint8Array();

describe('CIDRs', () => {
  it('parses lists separated by commas or spaces; a bare address is one host', () => {
    const list = parseCidrList(' 10.8.0.0/16, fd00::/8  192.168.1.7 ');
    expect(list.map((c) => c.prefix)).toEqual([16, 8, 32]);
    expect(parseCidrList('')).toEqual([]);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'example.com/8', '10.0.0.0/-1', '10.0.0.0/08x'])(
    'refuses %s, naming it',
    (text) => {
      expect(() => parseCidrList(text)).toThrow(text.trim());
    },
  );

  it('matches by prefix bits, within one family', () => {
    const net = parseCidr('10.20.0.0/14');
    expect(cidrContains(net, bytes('10.23.255.255'))).toBe(true);
    expect(cidrContains(net, bytes('10.24.0.0'))).toBe(false);
    expect(cidrContains(net, bytes('::ffff:10.20.0.1'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), bytes('8.8.8.8'))).toBe(true);
    expect(cidrContains(parseCidr('fd12:3456::/32'), bytes('fd12:3456:ffff::1'))).toBe(true);
    expect(cidrContains(parseCidr('fd12:3456::/32'), bytes('fd12:3457::1'))).toBe(false);
  });

  it('reads IPv6 with compression and an embedded dotted quad', () => {
    expect(Array.from(bytes('::ffff:1.2.3.4'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(Array.from(bytes('1:2::8')).slice(0, 4)).toEqual([0, 1, 0, 2]);
    expect(Array.from(bytes('1:2::8')).slice(14)).toEqual([0, 8]);
    expect(ipBytes('1:2:3:4:5:6:7:8')?.[15]).toBe(8);
  });
});
