import { type Kysely, type Selectable, sql } from 'kysely';
import { normalizeAmojoId } from './normalize-amojo-id';
import type { Database, InstallationsTable } from './schema';

// The store imports no worker, not even for a type (.dependency-cruiser.cjs): these two spell out account-hosts.ts's
// AccountDomain and AccountRegion, which are the same unions, so values pass between them both ways.
type AccountDomain = 'amocrm.ru' | 'amocrm.com' | 'kommo.com';
type AccountRegion = 'ru' | 'com' | 'kommo';

export type InstallationState = 'active' | 'needs_reauthorization' | 'removed';

/** An amoCRM account that installed the integration: its amojo id, its tokens, and whether it is live. */
export interface Installation {
  accountId: number;
  subdomain: string;
  domain: AccountDomain;
  region: AccountRegion;
  /** Lower case (normalizeAmojoId). */
  amojoId: string;
  /** amoCRM user id of the grant (the account's `current_user_id`). */
  installedBy: number | null;
  installedAt: number;
  state: InstallationState;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessExpiresAt: number | null;
  /** +1 on every stored pair: the fencing token of refreshes. */
  tokenVersion: number;
  /** When amoCRM last told us the amojo id. */
  amojoCheckedAt: number;
  removedAt: number | null;
  updatedAt: number;
}

/** A token pair as stored: both tokens sealed (installation-tokens.ts), the access token's expiry in the clear. */
export interface SealedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  accessExpiresAt: number;
}

export interface InstallationInput {
  accountId: number;
  subdomain: string;
  domain: AccountDomain;
  region: AccountRegion;
  /** Stored in lower case, whatever case it comes in. */
  amojoId: string;
  installedBy: number | null;
  tokens: SealedTokens;
}

/**
 * The context an installation's tokens are sealed under (secret-box.ts): a sealed token copied onto another
 * account's row does not open there. Beside the columns, since resealing needs it too.
 */
export function installationTokenContext(accountId: number): string {
  return `installation:${accountId}`;
}

export async function findInstallation(db: Kysely<Database>, accountId: number): Promise<Installation | undefined> {
  const row = await db.selectFrom('installations').selectAll().where('accountId', '=', accountId).executeTakeFirst();
  return row === undefined ? undefined : toInstallation(row);
}

/** Every installation, by account id (the operator's list; one row per account that ever installed). */
export async function listInstallations(db: Kysely<Database>): Promise<Installation[]> {
  const rows = await db.selectFrom('installations').selectAll().orderBy('accountId').execute();
  return rows.map(toInstallation);
}

/** Active installations whose access token expires before `before`, soonest first (the refresh sweep's page). */
export async function listInstallationsDueForRefresh(
  db: Kysely<Database>,
  before: number,
  limit: number,
): Promise<Installation[]> {
  const rows = await db
    .selectFrom('installations')
    .selectAll()
    // A literal, as the partial index spells it, so SQLite's planner can use it.
    .where(sql<boolean>`state = 'active'`)
    .where('accessExpiresAt', '<', before)
    .orderBy('accessExpiresAt')
    .orderBy('accountId')
    .limit(limit)
    .execute();
  return rows.map(toInstallation);
}

/**
 * Records an install (or a reinstall, or a fresh grant after `needs_reauthorization`): the row becomes active with
 * the new pair, its version moves on (so a refresh that read the old pair cannot overwrite the new one), and the
 * amojo id counts as proven now. One upsert, so two installs racing leave one row, the later one's.
 */
export async function recordInstallation(
  db: Kysely<Database>,
  input: InstallationInput,
  now: number,
): Promise<Installation> {
  const fields = {
    subdomain: input.subdomain,
    domain: input.domain,
    region: input.region,
    amojoId: normalizeAmojoId(input.amojoId),
    installedBy: input.installedBy,
    installedAt: now,
    state: 'active' as const,
    ...input.tokens,
    amojoCheckedAt: now,
    removedAt: null,
    updatedAt: now,
  };
  const row = await db
    .insertInto('installations')
    .values({ accountId: input.accountId, ...fields, tokenVersion: 1 })
    .onConflict((oc) =>
      oc.column('accountId').doUpdateSet({ ...fields, tokenVersion: sql<number>`installations.token_version + 1` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toInstallation(row);
}

/**
 * Stores a refreshed pair only if the installation is still active at `expectedVersion`, the version whose refresh
 * token was spent. undefined: someone stored another pair (or removed it) meanwhile, and theirs stands.
 */
export async function storeRefreshedTokens(
  db: Kysely<Database>,
  accountId: number,
  expectedVersion: number,
  tokens: SealedTokens,
  now: number,
): Promise<Installation | undefined> {
  const row = await db
    .updateTable('installations')
    .set({ ...tokens, tokenVersion: expectedVersion + 1, updatedAt: now })
    .where('accountId', '=', accountId)
    .where('tokenVersion', '=', expectedVersion)
    .where('state', '=', 'active')
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toInstallation(row);
}

/**
 * amoCRM refused the refresh token of `expectedVersion`: the account must grant access again. Only while that pair is
 * still the stored one, so a refusal of a stale token never overrides a newer install. The tokens stay (useless to
 * refresh, harmless to keep) until a new grant replaces them or a removal purges them.
 */
export async function markNeedsReauthorization(
  db: Kysely<Database>,
  accountId: number,
  expectedVersion: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('installations')
    .set({ state: 'needs_reauthorization', updatedAt: now })
    .where('accountId', '=', accountId)
    .where('tokenVersion', '=', expectedVersion)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The integration was uninstalled: tokens purged, state `removed`, the version moved on so that a refresh in flight
 * cannot store its pair afterwards. false when there is no such installation or it was removed already (the first
 * removal time stands).
 */
export async function markRemoved(db: Kysely<Database>, accountId: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('installations')
    .set({
      state: 'removed',
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      tokenVersion: sql<number>`token_version + 1`,
      removedAt: now,
      updatedAt: now,
    })
    .where('accountId', '=', accountId)
    .where('state', '<>', 'removed')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** amoCRM told us the account's amojo id again (`GET /api/v4/account?with=amojo_id`). */
export async function updateProvenAmojoId(
  db: Kysely<Database>,
  accountId: number,
  amojoId: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('installations')
    .set({ amojoId: normalizeAmojoId(amojoId), amojoCheckedAt: now, updatedAt: now })
    .where('accountId', '=', accountId)
    .execute();
}

function toInstallation(row: Selectable<InstallationsTable>): Installation {
  return {
    ...row,
    domain: row.domain as AccountDomain,
    region: row.region as AccountRegion,
    tokenVersion: Number(row.tokenVersion),
  };
}
