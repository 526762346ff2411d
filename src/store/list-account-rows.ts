import type { Kysely } from 'kysely';
import type { InstallationState } from './installations-repo';
import { isReleasedAmojoId } from './links-repo';
import { primaryLinkOrder } from './primary-link-order';
import type { Database } from './schema';

/** How an account's link stands: `parked` is a live link held while the installation is removed. */
export type AccountLinkState = 'linked' | 'pending' | 'unlinked' | 'parked' | 'none';

/** One account as the operator sees it: no token, key hash, sealed value or webhook URL is ever read. */
export interface AccountRow {
  accountId: number;
  subdomain: string;
  installation: InstallationState | 'none';
  /** The amojo id bound to the account (`accounts`), null when none is (never linked, or released). */
  boundAmojoId: string | null;
  /** True when the binding was released (release-amojo-binding.ts). */
  released: boolean;
  /** The amojo id the installation proves, null without an installation. */
  installedAmojoId: string | null;
  /** The state of the account's PRIMARY link (its oldest live link, else its oldest link). */
  link: AccountLinkState;
  linkId: string | null;
  /** How many live links (numbers) the account runs. */
  liveLinks: number;
  title: string | null;
  linkedAt: number | null;
}

/**
 * Every account the store knows, from its installation, its links, or both, by account id; one row per account. Two
 * reads merged here, since a full outer join is not portable to every SQLite the store runs on.
 */
export async function listAccountRows(db: Kysely<Database>): Promise<AccountRow[]> {
  const [bound, installed] = await Promise.all([
    db
      .selectFrom('accounts')
      .leftJoin('links', 'links.accountId', 'accounts.accountId')
      .select([
        'accounts.accountId',
        'accounts.subdomain',
        'accounts.amojoId',
        'links.id as linkId',
        'links.title',
        'links.linkedAt',
        'links.scopeId',
        'links.pending',
        'links.parkedAt',
      ])
      // Primary first within each account (links-repo's order), so the first row seen of an account is its primary.
      .orderBy(primaryLinkOrder)
      .orderBy('links.createdAt')
      .orderBy('links.id')
      .execute(),
    db.selectFrom('installations').select(['accountId', 'subdomain', 'state', 'amojoId']).execute(),
  ]);
  const rows = new Map<number, AccountRow>();
  for (const row of installed) {
    const accountId = Number(row.accountId);
    rows.set(accountId, {
      accountId,
      subdomain: row.subdomain,
      installation: row.state,
      boundAmojoId: null,
      released: false,
      installedAmojoId: row.amojoId,
      link: 'none',
      linkId: null,
      liveLinks: 0,
      title: null,
      linkedAt: null,
    });
  }
  const primaries = new Set<number>();
  for (const row of bound) {
    const accountId = Number(row.accountId);
    const live = row.scopeId !== null ? 1 : 0;
    if (primaries.has(accountId)) {
      const primary = rows.get(accountId);
      if (primary) primary.liveLinks += live;
      continue;
    }
    primaries.add(accountId);
    const released = isReleasedAmojoId(row.amojoId);
    const base = rows.get(accountId);
    rows.set(accountId, {
      accountId,
      // amoCRM told the installation's subdomain at install; the link's is whatever the token said when it linked.
      subdomain: base?.subdomain ?? row.subdomain,
      installation: base?.installation ?? 'none',
      boundAmojoId: released ? null : row.amojoId,
      released,
      installedAmojoId: base?.installedAmojoId ?? null,
      link: linkStateOf(row),
      linkId: row.linkId,
      liveLinks: live,
      title: row.title,
      linkedAt: row.linkedAt === null ? null : Number(row.linkedAt),
    });
  }
  return [...rows.values()].sort((a, b) => a.accountId - b.accountId);
}

function linkStateOf(row: {
  linkId: string | null;
  scopeId: string | null;
  pending: number | null;
  parkedAt: number | null;
}): AccountLinkState {
  if (row.linkId === null) return 'none';
  if (row.pending === 1) return 'pending';
  if (row.scopeId === null) return 'unlinked';
  return row.parkedAt === null ? 'linked' : 'parked';
}
