import type { Kysely } from 'kysely';
import { findLinkByScopeId } from '../../../store/links-repo';
import type { Database } from '../../../store/schema';

/** What the hook route needs to know about a scope: whose it is. */
export interface ScopeLink {
  linkId: string;
  /** The account's amojo id: every hook of the scope must name it as `account_id`. */
  amojoId: string;
}

export type ScopeLookup = (scopeId: string) => Promise<ScopeLink | undefined>;

export interface ScopeLookupOptions {
  /** How long a known scope is remembered (default 5 s); unlinking takes at most this long to reach the door. */
  ttlMs?: number;
  /** Unknown scopes are remembered briefly (default 1 s), so a flood of them costs one query a second each. */
  negativeTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Scope to link, cached: every hook needs it and links change rarely. Being a little late about an unlink is
 * harmless, because the relay worker looks at the link again before delivering anything.
 */
export function createScopeLookup(db: Kysely<Database>, options: ScopeLookupOptions = {}): ScopeLookup {
  const ttlMs = options.ttlMs ?? 5000;
  const negativeTtlMs = options.negativeTtlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: ScopeLink | undefined; until: number }>();
  const loading = new Map<string, Promise<ScopeLink | undefined>>();

  async function load(scopeId: string): Promise<ScopeLink | undefined> {
    const link = await findLinkByScopeId(db, scopeId);
    const value = link ? { linkId: link.id, amojoId: link.amojoId } : undefined;
    if (cache.size >= maxEntries) cache.clear();
    cache.set(scopeId, { value, until: now() + (value ? ttlMs : negativeTtlMs) });
    return value;
  }

  return (scopeId) => {
    const hit = cache.get(scopeId);
    if (hit && hit.until > now()) return Promise.resolve(hit.value);
    let pending = loading.get(scopeId);
    if (!pending) {
      pending = load(scopeId).finally(() => loading.delete(scopeId));
      loading.set(scopeId, pending);
    }
    return pending;
  };
}
