import { type Cidr, cidrContains, parseCidr } from './cidr';
import { ipBytes } from './ip-bytes';

/**
 * IPv4 space that is not the public internet (IANA's special-purpose registry, RFC 6890 and successors). A few
 * globally reachable anycast blocks inside 192.0.0.0/24 are refused with it: no messenger or file host lives there.
 */
export const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8', // "this network"; 0.0.0.0 reaches this host on Linux
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT, shared address space
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local; cloud metadata lives at 169.254.169.254
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address 255.255.255.255
] as const;

/**
 * IPv6 inside global unicast (2000::/3) that is not the public internet. Everything outside 2000::/3 is refused as
 * a whole (unspecified, loopback, IPv4-compatible ::/96, discard 100::/64, local-use NAT64 64:ff9b:1::/48, SRv6
 * 5f00::/16, ULA fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8 and unassigned space),
 * except the two forms that carry an IPv4 address and reach exactly it: ::ffff:0:0/96 and NAT64's 64:ff9b::/96.
 */
export const NON_PUBLIC_IPV6 = [
  '2001::/23', // IETF protocol assignments: Teredo 2001::/32 (embeds any IPv4), benchmarking 2001:2::/48, ORCHID
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: tunnels to whatever IPv4 address it embeds, private ones included
  '3fff::/20', // documentation (RFC 9637)
] as const;

const ipv4Ranges: Cidr[] = NON_PUBLIC_IPV4.map(parseCidr);
const ipv6Ranges: Cidr[] = NON_PUBLIC_IPV6.map(parseCidr);
const globalUnicast = parseCidr('2000::/3');
const ipv4Carriers = ['::ffff:0:0/96', '64:ff9b::/96'].map(parseCidr);

/**
 * True unless `address` is an IP literal on the public internet. A text that is no address counts as non-public,
 * so a caller can never mistake "could not tell" for "public".
 */
export function isNonPublicAddress(address: string): boolean {
  const bytes = ipBytes(address);
  return bytes === undefined || isNonPublicBytes(bytes);
}

function isNonPublicBytes(bytes: Uint8Array): boolean {
  if (bytes.length === 4) return ipv4Ranges.some((range) => cidrContains(range, bytes));
  const embedded = embeddedIpv4(bytes);
  if (embedded) return isNonPublicBytes(embedded);
  return !cidrContains(globalUnicast, bytes) || ipv6Ranges.some((range) => cidrContains(range, bytes));
}

/** The IPv4 address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address reaches, if it is one. */
export function embeddedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16 || !ipv4Carriers.some((range) => cidrContains(range, bytes))) return undefined;
  return bytes.slice(12);
}
