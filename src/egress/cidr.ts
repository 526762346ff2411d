import { ipBytes } from './ip-bytes';

/** A network: its address bytes (4 or 16) and how many leading bits are fixed. */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** `10.8.0.0/16`, `fd00::/8`, or a bare address (a single host). Throws, naming the entry, on anything else. */
export function parseCidr(text: string): Cidr {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const bytes = ipBytes(address);
  const max = bytes ? bytes.length * 8 : 0;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (!bytes || extra !== undefined || prefix < 0 || prefix > max) throw new Error(`"${text.trim()}" is not a CIDR`);
  return { bytes, prefix };
}

/** A comma- or space-separated list of CIDRs (EGRESS_ALLOW); an empty text is an empty list. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map(parseCidr);
}

/** True when `bytes` (same family as the network) lies inside `cidr`. */
export function cidrContains(cidr: Cidr, bytes: Uint8Array): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((cidr.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
