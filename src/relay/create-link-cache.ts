import type { Kysely } from 'kysely';
import { findLinkById, type Link } from '../store/links-repo';
import type { Database } from '../store/schema';

export interface LinkCache {
  get(linkId: string): Promise<Link | undefined>;
  /** Read from the store now, and remembered: for a decision a stale copy must not make (parking a job). */
  fresh(linkId: string): Promise<Link | undefined>;
}

/**
 * Links by id, remembered for a moment: every job needs its link, and a burst of jobs shares a handful of them.
 * A relink or unlink reaches the workers within `ttlMs` (default 2 s).
 */
export function createLinkCache(db: Kysely<Database>, options: { ttlMs?: number; now?: () => number } = {}): LinkCache {
  const ttlMs = options.ttlMs ?? 2000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { link: Promise<Link | undefined>; until: number }>();
  const read = (linkId: string) => {
    if (cache.size > 10_000) cache.clear();
    const link = findLinkById(db, linkId);
    cache.set(linkId, { link, until: now() + ttlMs });
    link.catch(() => cache.delete(linkId));
    return link;
  };
  return {
    get(linkId) {
      const hit = cache.get(linkId);
      return hit && hit.until > now() ? hit.link : read(linkId);
    },
    fresh: read,
  };
}
