import { createHash } from 'node:crypto';

/**
 * The event id the messenger dedupes on, derived from the hook's inbox key: every attempt, and a replay of a dead
 * letter, carries the same id, while the key's parts (link, amojo ids, emoji) stay out of it.
 */
export function bridgeEventId(dedupeKey: string): string {
  return `evt_${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}`;
}
