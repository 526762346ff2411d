import { type Cidr, cidrContains } from './cidr';
import { ipBytes } from './ip-bytes';
import { embeddedIpv4, isNonPublicAddress } from './non-public-address';

/** Where one kind of outbound request may go. Built once at start-up (egressPolicies). */
export interface EgressPolicy {
  /** URL schemes allowed: https only, plus http in the sandbox. */
  readonly protocols: readonly ('http:' | 'https:')[];
  /** Non-public ranges opened anyway: EGRESS_ALLOW, and the sandbox's loopback. */
  readonly allow: readonly Cidr[];
  /** Host names a URL may name (`*.example.com` matches subdomains); undefined allows any name. */
  readonly hosts?: readonly string[];
  /** Redirects followed when a caller asks to follow them; each hop is checked like the first (default 3). */
  readonly maxRedirects?: number;
}

/** Why `url` may not be requested under `policy` (scheme, host name, IP literal), or undefined when it may. */
export function egressRefusal(url: URL, policy: EgressPolicy): string | undefined {
  if (!policy.protocols.includes(url.protocol as 'http:')) return `${url.protocol.slice(0, -1)} is not allowed`;
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (policy.hosts && !policy.hosts.some((allowed) => hostMatches(host, allowed))) return 'the host is not allowed';
  // Names are checked where they are resolved (createEgressLookup); a literal is never resolved, so it is here.
  const literal = host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host;
  if (ipBytes(literal) && !isAddressAllowed(literal, policy)) return 'the address is not public';
  return undefined;
}

/** True for a public address, or a non-public one inside the policy's allow list. */
export function isAddressAllowed(address: string, policy: Pick<EgressPolicy, 'allow'>): boolean {
  if (!isNonPublicAddress(address)) return true;
  const bytes = ipBytes(address);
  if (!bytes) return false;
  // ::ffff:10.0.0.5 is 10.0.0.5 on the wire, so an IPv4 allow entry covers it.
  const wire = embeddedIpv4(bytes) ?? bytes;
  return policy.allow.some((range) => cidrContains(range, wire));
}

function hostMatches(host: string, allowed: string): boolean {
  return allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed;
}
