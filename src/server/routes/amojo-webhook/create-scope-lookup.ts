import type { Kysely } from 'kysely';
import { findConversationLinkByChat } from '../../../store/conversations-repo';
import { findConversationHolders } from '../../../store/find-conversation-holders';
import { findLinksByScopeId, listAccountLinks } from '../../../store/links-repo';
import type { Database } from '../../../store/schema';

/** What the hook route needs to know about a scope: whose it is, and which links may receive its hooks. */
export interface ScopeLink {
  /** The PRIMARY link (the account's oldest live one): where a hook no other rule places goes. */
  linkId: string;
  /**
   * Every link of the account, the live ones (all sharing its one scope) first, primary first, then the unlinked
   * ones: an unlinked number's chats still get hooks while another number keeps the scope, and they are its own.
   */
  linkIds: readonly string[];
  /** The account's amojo id: every hook of the scope must name it as `account_id`. */
  amojoId: string;
  /**
   * The link, among `linkIds`, whose conversation is this amojo chat (or, before any hook named the chat, has this
   * conversation id of ours); remembered once found.
   */
  linkOfChat(amojoChatId: string, conversationId?: string): Promise<string | undefined>;
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
 * Scope to links, cached: every hook needs it and links change rarely. Being a little late about an unlink is
 * harmless, because the relay worker looks at the link again before delivering anything. A scope is known while
 * one of its account's links is live; the hooks it takes may still belong to an unlinked one.
 */
export function createScopeLookup(db: Kysely<Database>, options: ScopeLookupOptions = {}): ScopeLookup {
  const ttlMs = options.ttlMs ?? 5000;
  const negativeTtlMs = options.negativeTtlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: ScopeLink | undefined; until: number }>();
  const loading = new Map<string, Promise<ScopeLink | undefined>>();
  // A conversation never changes link, so a chat found once stays found (checked against the account's links).
  const chats = new Map<string, string>();

  async function linkOfChat(
    linkIds: readonly string[],
    amojoChatId: string,
    conversationId: string | undefined,
  ): Promise<string | undefined> {
    const known = chats.get(amojoChatId);
    if (known !== undefined && linkIds.includes(known)) return known;
    const found =
      (await findConversationLinkByChat(db, linkIds, amojoChatId)) ??
      (conversationId === undefined ? undefined : await soleHolder(linkIds, conversationId));
    if (found !== undefined) {
      if (chats.size >= maxEntries) chats.clear();
      chats.set(amojoChatId, found);
    }
    return found;
  }

  /**
   * amojo's chat id reaches a conversation row only with the chat's first hook, so that hook is placed by our
   * conversation id (`client_id`) instead. Messengers choose those ids, so two links may share one: only a single
   * holder counts. Paid only by a hook in a chat not yet seen.
   */
  async function soleHolder(linkIds: readonly string[], conversationId: string) {
    const holders = await findConversationHolders(db, linkIds, conversationId);
    return holders.length === 1 ? holders[0] : undefined;
  }

  async function load(scopeId: string): Promise<ScopeLink | undefined> {
    // Primary first, as the store orders them. No live link: the scope is not ours (any more), its hooks refused.
    const primary = (await findLinksByScopeId(db, scopeId))[0];
    const linkIds = primary ? (await listAccountLinks(db, primary.accountId)).map((link) => link.id) : [];
    const value: ScopeLink | undefined = primary && {
      linkId: primary.id,
      linkIds,
      amojoId: primary.amojoId,
      linkOfChat: (amojoChatId, conversationId) => linkOfChat(linkIds, amojoChatId, conversationId),
    };
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
