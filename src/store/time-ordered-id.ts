import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): `now` in its first 48 bits, 74 random bits after. Ids made in the same period sort together, so
 * a text primary key of them grows at the end of its index, as an autoincrement does: each insert dirties the page
 * the previous one did, where a random v4 id dirties a page of its own (a 4 KB WAL frame at every commit, and a read
 * once the index outgrows the cache). Built on randomUUID, whose random bits come from a pooled buffer.
 */
export function timeOrderedId(now: number): string {
  const ms = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0');
  // randomUUID is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: the time replaces its first 48 bits, 7 its version digit.
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
