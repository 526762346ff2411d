import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { resetDeliveryBreaker } from './delivery-breaker-repo';
import { isUniqueViolation } from './is-unique-violation';
import { normalizeAmojoId } from './normalize-amojo-id';
import type { Database } from './schema';

/**
 * What a released binding's `accounts.amojo_id` starts with: `released:<account id>:<the amojo id it held>`. amojo ids
 * are UUIDs, which never contain a colon, so a released value matches no real one, and the account id (the primary
 * key) keeps it unique. The old id stays readable there for whoever investigates later.
 */
const RELEASED_AMOJO_ID_PREFIX = 'released:';

export function releasedAmojoId(accountId: number, amojoId: string): string {
  return `${RELEASED_AMOJO_ID_PREFIX}${accountId}:${amojoId}`;
}

/** A binding an operator released binds nothing: its account may bind an amojo id afresh. */
export function isReleasedAmojoId(amojoId: string): boolean {
  return amojoId.startsWith(RELEASED_AMOJO_ID_PREFIX);
}

export interface Link {
  id: string;
  accountId: number;
  subdomain: string;
  region: string;
  amojoId: string;
  scopeId: string | null;
  title: string;
  timeWindowDisabled: boolean;
  webhookUrl: string | null;
  bridgeKeyHash: string | null;
  signingSecretEnc: string | null;
  linkedAt: number | null;
  unlinkedAt: number | null;
  /** Written before amojo's connect and not yet confirmed (see upsertLink's `pending` and confirmLink). */
  pending: boolean;
  /** Set while the account's installation is removed; its jobs wait as `parked` (setLinkParked). */
  parkedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface LinkInput {
  /** From the verified one-time token, never from a request body. */
  accountId: number;
  subdomain: string;
  region: string;
  /** Stored in lower case, whatever case it comes in. */
  amojoId: string;
  /** The scope amojo's connect returned, or the one it is expected to return while `pending`. */
  scopeId: string | null;
  title: string;
  timeWindowDisabled: boolean;
  webhookUrl: string;
  bridgeKeyHash: string;
  signingSecretEnc: string;
  /**
   * Written before amojo's connect (true) rather than after it: amojo may send hooks for the scope as soon as it has
   * connected, and a hook for a scope we do not know is refused and never resent. confirmLink ends it.
   */
  pending?: boolean;
}

export type UpsertLinkResult =
  | { ok: true; link: Link; created: boolean }
  /** amojo_id_taken: another account owns this amojo id; account_amojo_mismatch: this account has another one. */
  | { ok: false; reason: 'amojo_id_taken' | 'account_amojo_mismatch' };

/**
 * Links (or re-links, after a reinstall) an account. An amojo id, once bound to an account, is never rebound to
 * another. Starts its own transaction, so pass the root db, not a transaction.
 */
export async function upsertLink(
  db: Kysely<Database>,
  input: LinkInput,
  now: number,
  newId: () => string = randomUUID,
): Promise<UpsertLinkResult> {
  const normalized = { ...input, amojoId: normalizeAmojoId(input.amojoId) };
  const attempt = () => db.transaction().execute((trx) => upsertInTransaction(trx, normalized, now, newId));
  try {
    return await attempt();
  } catch (error) {
    // A concurrent link of the same account or amojo id committed first; a second pass sees it and decides.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}

async function upsertInTransaction(
  trx: Kysely<Database>,
  input: LinkInput,
  now: number,
  newId: () => string,
): Promise<UpsertLinkResult> {
  const byAmojo = await trx.selectFrom('accounts').selectAll().where('amojoId', '=', input.amojoId).executeTakeFirst();
  if (byAmojo && byAmojo.accountId !== input.accountId) return { ok: false, reason: 'amojo_id_taken' };
  const account =
    byAmojo ??
    (await trx.selectFrom('accounts').selectAll().where('accountId', '=', input.accountId).executeTakeFirst());
  // An account whose stale claim an operator released (npm run accounts -- release-amojo) binds afresh.
  const released = account !== undefined && isReleasedAmojoId(account.amojoId);
  if (account && !released && account.amojoId !== input.amojoId) return { ok: false, reason: 'account_amojo_mismatch' };

  const { accountId, subdomain, region, amojoId } = input;
  if (account) {
    await trx
      .updateTable('accounts')
      .set({ subdomain, region, ...(released ? { amojoId } : {}), updatedAt: now })
      .where('accountId', '=', accountId)
      .execute();
  } else {
    await trx
      .insertInto('accounts')
      .values({ accountId, subdomain, region, amojoId, createdAt: now, updatedAt: now })
      .execute();
  }

  const fields = {
    scopeId: input.scopeId,
    title: input.title,
    timeWindowDisabled: input.timeWindowDisabled ? 1 : 0,
    webhookUrl: input.webhookUrl,
    bridgeKeyHash: input.bridgeKeyHash,
    signingSecretEnc: input.signingSecretEnc,
    linkedAt: now,
    unlinkedAt: null,
    pending: input.pending ? 1 : 0,
    updatedAt: now,
  };
  const existing = await trx.selectFrom('links').select('id').where('accountId', '=', accountId).executeTakeFirst();
  if (existing) {
    await trx.updateTable('links').set(fields).where('id', '=', existing.id).execute();
    // A relink is a new webhook as far as the breaker knows (new credentials, maybe a new URL): it starts closed.
    await resetDeliveryBreaker(trx, existing.id, null, now);
  } else {
    await trx
      .insertInto('links')
      .values({ id: newId(), accountId, createdAt: now, ...fields })
      .execute();
  }
  const link = await findLinkByAccountId(trx, accountId);
  if (!link) throw new Error('link vanished inside its own transaction');
  return { ok: true, link, created: !existing };
}

/**
 * Ends a pending link once amojo's connect answered with `scopeId` (normally the scope it was written with). Acts only
 * while the link still holds the credentials this caller issued, so an unlink or another PUT that came in between
 * wins; undefined then.
 */
export async function confirmLink(
  db: Kysely<Database>,
  linkId: string,
  confirm: { scopeId: string; bridgeKeyHash: string },
  now: number,
): Promise<Link | undefined> {
  const result = await db
    .updateTable('links')
    .set({ scopeId: confirm.scopeId, pending: 0, linkedAt: now, updatedAt: now })
    .where('id', '=', linkId)
    .where('bridgeKeyHash', '=', confirm.bridgeKeyHash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? findLinkById(db, linkId) : undefined;
}

export interface LinkSettings {
  title?: string;
  webhookUrl?: string;
  timeWindowDisabled?: boolean;
}

/**
 * Changes settings of a linked account; undefined when the account is not linked. A new webhook URL resets the
 * link's delivery breaker in the same transaction, so no instance holds deliveries for the URL that was.
 */
export async function updateLinkSettings(
  db: Kysely<Database>,
  accountId: number,
  settings: LinkSettings,
  now: number,
): Promise<Link | undefined> {
  const { title, webhookUrl, timeWindowDisabled } = settings;
  return updateLiveLink(db, accountId, async (trx) => {
    const result = await trx
      .updateTable('links')
      .set({
        ...(title === undefined ? {} : { title }),
        ...(webhookUrl === undefined ? {} : { webhookUrl }),
        ...(timeWindowDisabled === undefined ? {} : { timeWindowDisabled: timeWindowDisabled ? 1 : 0 }),
        updatedAt: now,
      })
      .where('accountId', '=', accountId)
      .where('scopeId', 'is not', null)
      .where('pending', '=', 0)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n && webhookUrl !== undefined) {
      const row = await trx.selectFrom('links').select('id').where('accountId', '=', accountId).executeTakeFirst();
      if (row) await resetDeliveryBreaker(trx, row.id, webhookUrl, now);
    }
    return result;
  });
}

/** Replaces the bridge key and signing secret of a linked account; undefined when the account is not linked. */
export async function rotateLinkCredentials(
  db: Kysely<Database>,
  accountId: number,
  credentials: { bridgeKeyHash: string; signingSecretEnc: string },
  now: number,
): Promise<Link | undefined> {
  return updateLiveLink(db, accountId, (trx) =>
    trx
      .updateTable('links')
      .set({ ...credentials, updatedAt: now })
      .where('accountId', '=', accountId)
      .where('scopeId', 'is not', null)
      .where('pending', '=', 0)
      .executeTakeFirst(),
  );
}

/**
 * An update of a live link and the read of what it left, in one transaction: the update's row lock holds off an
 * unlink until the read is done, so the caller never gets back a link an unlink emptied in between (which the
 * fuzz run caught as a 500 on rotate and PUT).
 */
async function updateLiveLink(
  db: Kysely<Database>,
  accountId: number,
  update: (trx: Kysely<Database>) => Promise<{ numUpdatedRows: bigint }>,
): Promise<Link | undefined> {
  const run = async (trx: Kysely<Database>) =>
    (await update(trx)).numUpdatedRows > 0n ? findLinkByAccountId(trx, accountId) : undefined;
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Unlinks: forgets the scope and purges every credential and the webhook URL. The account keeps its amojo id
 * binding and its conversations, so a later re-link continues where it stopped. The link's delivery breaker goes
 * in the same transaction: it was counted against a webhook the link no longer has.
 */
export async function unlinkAccount(db: Kysely<Database>, accountId: number, now: number): Promise<Link | undefined> {
  const run = (trx: Kysely<Database>) => unlinkInTransaction(trx, accountId, now);
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** What an unlink leaves of a link: no scope, no webhook URL, no credentials, not pending. */
export function unlinkedColumns(now: number) {
  return {
    scopeId: null,
    webhookUrl: null,
    bridgeKeyHash: null,
    signingSecretEnc: null,
    pending: 0,
    unlinkedAt: now,
    updatedAt: now,
  };
}

async function unlinkInTransaction(trx: Kysely<Database>, accountId: number, now: number): Promise<Link | undefined> {
  const result = await trx
    .updateTable('links')
    .set(unlinkedColumns(now))
    .where('accountId', '=', accountId)
    .where('scopeId', 'is not', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  const link = await findLinkByAccountId(trx, accountId);
  if (link) await resetDeliveryBreaker(trx, link.id, null, now);
  return link;
}

/**
 * Parks (the installation was removed) or unparks (it is back) an account's link; parking keeps the first time it
 * was parked. undefined when the account has no link. The caller parks or unparks the link's jobs beside it.
 */
export async function setLinkParked(
  db: Kysely<Database>,
  accountId: number,
  parked: boolean,
  now: number,
): Promise<Link | undefined> {
  const result = await db
    .updateTable('links')
    .set({ parkedAt: parked ? sql<number>`coalesce(parked_at, ${now})` : null, updatedAt: now })
    .where('accountId', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? findLinkByAccountId(db, accountId) : undefined;
}

export const findLinkById = (db: Kysely<Database>, id: string) => findLinkWhere(db, 'links.id', id);
export const findLinkByAccountId = (db: Kysely<Database>, accountId: number) =>
  findLinkWhere(db, 'links.accountId', accountId);
export const findLinkByAmojoId = (db: Kysely<Database>, amojoId: string) =>
  findLinkWhere(db, 'accounts.amojoId', normalizeAmojoId(amojoId));
/**
 * Only linked accounts have a scope id, so this finds only live links, pending ones included: their hooks are
 * accepted, since amojo may send them before its connect has answered us.
 */
export const findLinkByScopeId = (db: Kysely<Database>, scopeId: string) => findLinkWhere(db, 'links.scopeId', scopeId);
/** The bridge key is high-entropy and random, so its hash is a safe lookup key; see secret-box.ts. */
export const findLinkByKeyHash = (db: Kysely<Database>, bridgeKeyHash: string) =>
  findLinkWhere(db, 'links.bridgeKeyHash', bridgeKeyHash);

/** Every linked account (it has a scope at amojo), for reconnecting them where amojo forgot them (the sandbox). */
export async function findLinkedScopes(
  db: Kysely<Database>,
): Promise<{ amojoId: string; title: string; timeWindowDisabled: boolean }[]> {
  const rows = await db
    .selectFrom('links')
    .innerJoin('accounts', 'accounts.accountId', 'links.accountId')
    .select(['accounts.amojoId', 'links.title', 'links.timeWindowDisabled'])
    .where('links.scopeId', 'is not', null)
    .execute();
  return rows.map((row) => ({ ...row, timeWindowDisabled: row.timeWindowDisabled === 1 }));
}

type LinkLookup = 'links.id' | 'links.accountId' | 'accounts.amojoId' | 'links.scopeId' | 'links.bridgeKeyHash';

async function findLinkWhere(
  db: Kysely<Database>,
  column: LinkLookup,
  value: string | number,
): Promise<Link | undefined> {
  const row = await db
    .selectFrom('links')
    .innerJoin('accounts', 'accounts.accountId', 'links.accountId')
    .selectAll('links')
    .select(['accounts.subdomain', 'accounts.region', 'accounts.amojoId'])
    .where(column, '=', value)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, timeWindowDisabled: row.timeWindowDisabled === 1, pending: row.pending === 1 };
}
