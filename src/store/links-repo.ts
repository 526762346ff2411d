import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { maxLinksPerAccount } from '../contracts/link/link-numbers';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { sourceOrderingKey } from '../jobs/ordering-keys';
import { resetDeliveryBreaker } from './delivery-breaker-repo';
import { dialectOf } from './dialect-of';
import { isUniqueViolation } from './is-unique-violation';
import { normalizeAmojoId } from './normalize-amojo-id';
import { enqueue } from './outbox-repo';
import { primaryLinkOrder } from './primary-link-order';
import type { Database, LinkSourceState } from './schema';

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
  /** The account's amojo scope, shared by all its live links; null while unlinked. */
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
  /** amoCRM pipeline of the link's source; null for amoCRM's main pipeline. */
  pipelineId: number | null;
  /** amoCRM's id of the link's source, once created. */
  sourceId: number | null;
  /** `pending` until the source sync made amoCRM's source match the link (`synced`), or amoCRM refused (`failed`). */
  sourceState: LinkSourceState;
  /** amoCRM's refusal (an AmocrmError code) while `failed`. */
  sourceError: string | null;
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

type AccountRefusal = 'amojo_id_taken' | 'account_amojo_mismatch';

export type UpsertLinkResult =
  | { ok: true; link: Link; created: boolean }
  /** amojo_id_taken: another account owns this amojo id; account_amojo_mismatch: this account has another one. */
  | { ok: false; reason: AccountRefusal };

/**
 * Links (or re-links, after a reinstall) an account's PRIMARY link (see primary-link-order.ts); creates the account's
 * first link when it has none. An amojo id, once bound to an account, is never rebound to another. Starts its own
 * transaction, so pass the root db, not a transaction.
 */
export async function upsertLink(
  db: Kysely<Database>,
  input: LinkInput,
  now: number,
  newId: () => string = randomUUID,
): Promise<UpsertLinkResult> {
  const normalized = { ...input, amojoId: normalizeAmojoId(input.amojoId) };
  return retryOnUniqueViolation(() =>
    db.transaction().execute((trx) => upsertInTransaction(trx, normalized, now, newId)),
  );
}

// A concurrent link of the same account or amojo id committed first; a second pass sees it and decides.
async function retryOnUniqueViolation<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}

/**
 * The account row for `input`, created or updated exactly as a link needs it, or why it is refused. On PostgreSQL an
 * existing row is locked, so the link writes of one account (a cap check, the primary's relink) run one at a time;
 * SQLite's write transaction (BEGIN IMMEDIATE) already serialises writers. A new account has no row to lock: two
 * concurrent first links collide on its primary key, and the loser's retry sees the winner.
 */
async function bindAccount(trx: Kysely<Database>, input: LinkInput, now: number): Promise<AccountRefusal | undefined> {
  const lock = dialectOf(trx) === 'postgres';
  const byAmojo = await trx
    .selectFrom('accounts')
    .selectAll()
    .where('amojoId', '=', input.amojoId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (byAmojo && byAmojo.accountId !== input.accountId) return 'amojo_id_taken';
  const account =
    byAmojo ??
    (await trx
      .selectFrom('accounts')
      .selectAll()
      .where('accountId', '=', input.accountId)
      .$if(lock, (q) => q.forUpdate())
      .executeTakeFirst());
  // An account whose stale claim an operator released (npm run accounts -- release-amojo) binds afresh.
  const released = account !== undefined && isReleasedAmojoId(account.amojoId);
  if (account && !released && account.amojoId !== input.amojoId) return 'account_amojo_mismatch';

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
  return undefined;
}

/** The columns a (re)link writes. The source goes back to `pending`: a relink follows an unlink, which let it go. */
function linkedColumns(input: LinkInput, now: number, pendingByDefault: boolean) {
  return {
    scopeId: input.scopeId,
    title: input.title,
    timeWindowDisabled: input.timeWindowDisabled ? 1 : 0,
    webhookUrl: input.webhookUrl,
    bridgeKeyHash: input.bridgeKeyHash,
    signingSecretEnc: input.signingSecretEnc,
    linkedAt: now,
    unlinkedAt: null,
    pending: (input.pending ?? pendingByDefault) ? 1 : 0,
    sourceState: 'pending' as const,
    sourceError: null,
    updatedAt: now,
  };
}

async function upsertInTransaction(
  trx: Kysely<Database>,
  input: LinkInput,
  now: number,
  newId: () => string,
): Promise<UpsertLinkResult> {
  const refused = await bindAccount(trx, input, now);
  if (refused) return { ok: false, reason: refused };
  const { accountId } = input;
  const fields = linkedColumns(input, now, false);
  const existing = await primaryLinkId(trx, accountId, false);
  if (existing) {
    await trx.updateTable('links').set(fields).where('id', '=', existing).execute();
    // A relink is a new webhook as far as the breaker knows (new credentials, maybe a new URL): it starts closed.
    await resetDeliveryBreaker(trx, existing, null, now);
  } else {
    await trx
      .insertInto('links')
      .values({ id: newId(), accountId, createdAt: now, pipelineId: null, sourceId: null, ...fields })
      .execute();
  }
  const link = await findLinkByAccountId(trx, accountId);
  if (!link) throw new Error('link vanished inside its own transaction');
  return { ok: true, link, created: !existing };
}

export type CreateLinkResult =
  | { ok: true; link: Link; created: true }
  /** link_limit_reached: the account already runs maxLinksPerAccount live links. */
  | { ok: false; reason: AccountRefusal | 'link_limit_reached' };

/**
 * Adds a NEW link to an account (another number), written `pending` unless `input.pending` says otherwise, since
 * amojo's connect follows; the account row is bound exactly as upsertLink binds it. Refused when the account already
 * has maxLinksPerAccount live links: counted after the account row is locked (PostgreSQL) or inside BEGIN IMMEDIATE
 * (SQLite), so two concurrent creates at the limit never both pass. Starts its own transaction.
 */
export async function createLink(
  db: Kysely<Database>,
  input: LinkInput & { pipelineId: number | null },
  now: number,
  newId: () => string = randomUUID,
): Promise<CreateLinkResult> {
  const normalized = { ...input, amojoId: normalizeAmojoId(input.amojoId) };
  return retryOnUniqueViolation(() =>
    db.transaction().execute(async (trx): Promise<CreateLinkResult> => {
      const refused = await bindAccount(trx, normalized, now);
      if (refused) return { ok: false, reason: refused };
      if ((await countLiveLinks(trx, normalized.accountId)) >= maxLinksPerAccount) {
        return { ok: false, reason: 'link_limit_reached' };
      }
      const id = newId();
      await trx
        .insertInto('links')
        .values({
          id,
          accountId: normalized.accountId,
          createdAt: now,
          pipelineId: normalized.pipelineId,
          sourceId: null,
          ...linkedColumns(normalized, now, true),
        })
        .execute();
      const link = await findLinkById(trx, id);
      if (!link) throw new Error('link vanished inside its own transaction');
      return { ok: true, link, created: true };
    }),
  );
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
 * Changes settings of an account's PRIMARY link; undefined when the account has no live, confirmed link. See
 * updateLinkById.
 */
export async function updateLinkSettings(
  db: Kysely<Database>,
  accountId: number,
  settings: LinkSettings,
  now: number,
): Promise<Link | undefined> {
  return inTransaction(db, async (trx) => {
    const id = await primaryLinkId(trx, accountId, true);
    return id === undefined ? undefined : updateLiveLinkById(trx, id, settings, now);
  });
}

/**
 * Changes settings of a live, confirmed link; undefined otherwise. A new webhook URL resets the link's delivery
 * breaker in the same transaction, so no instance holds deliveries for the URL that was. A new title or pipeline
 * puts the source back to `pending`, so the startup sweep finds it if the sync job the caller queues is lost.
 */
export async function updateLinkById(
  db: Kysely<Database>,
  linkId: string,
  settings: LinkSettings & { pipelineId?: number | null },
  now: number,
): Promise<Link | undefined> {
  return inTransaction(db, (trx) => updateLiveLinkById(trx, linkId, settings, now));
}

async function updateLiveLinkById(
  trx: Kysely<Database>,
  linkId: string,
  settings: LinkSettings & { pipelineId?: number | null },
  now: number,
): Promise<Link | undefined> {
  const { title, webhookUrl, timeWindowDisabled, pipelineId } = settings;
  // Locked on PostgreSQL, so the source comparison below holds until the update: a concurrent change waits.
  const current = await trx
    .selectFrom('links')
    .select(['title', 'pipelineId'])
    .where('id', '=', linkId)
    .where('scopeId', 'is not', null)
    .where('pending', '=', 0)
    .$if(dialectOf(trx) === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  if (!current) return undefined;
  const sourceChanged =
    (title !== undefined && title !== current.title) ||
    (pipelineId !== undefined && pipelineId !== (current.pipelineId === null ? null : Number(current.pipelineId)));
  await trx
    .updateTable('links')
    .set({
      ...(title === undefined ? {} : { title }),
      ...(webhookUrl === undefined ? {} : { webhookUrl }),
      ...(timeWindowDisabled === undefined ? {} : { timeWindowDisabled: timeWindowDisabled ? 1 : 0 }),
      ...(pipelineId === undefined ? {} : { pipelineId }),
      ...(sourceChanged ? { sourceState: 'pending' as const, sourceError: null } : {}),
      updatedAt: now,
    })
    .where('id', '=', linkId)
    .execute();
  if (webhookUrl !== undefined) await resetDeliveryBreaker(trx, linkId, webhookUrl, now);
  return findLinkById(trx, linkId);
}

/** Replaces the bridge key and signing secret of an account's PRIMARY link; undefined when it has no live one. */
export async function rotateLinkCredentials(
  db: Kysely<Database>,
  accountId: number,
  credentials: { bridgeKeyHash: string; signingSecretEnc: string },
  now: number,
): Promise<Link | undefined> {
  return inTransaction(db, async (trx) => {
    const id = await primaryLinkId(trx, accountId, true);
    return id === undefined ? undefined : rotateInTransaction(trx, id, credentials, now);
  });
}

/** Replaces the bridge key and signing secret of a live, confirmed link; undefined otherwise. */
export async function rotateLinkCredentialsById(
  db: Kysely<Database>,
  linkId: string,
  credentials: { bridgeKeyHash: string; signingSecretEnc: string },
  now: number,
): Promise<Link | undefined> {
  return inTransaction(db, (trx) => rotateInTransaction(trx, linkId, credentials, now));
}

/**
 * The update and the read of what it left, in one transaction: the update's row lock holds off an unlink until the
 * read is done, so the caller never gets back a link an unlink emptied in between (which the fuzz run caught as a
 * 500 on rotate and PUT).
 */
async function rotateInTransaction(
  trx: Kysely<Database>,
  linkId: string,
  credentials: { bridgeKeyHash: string; signingSecretEnc: string },
  now: number,
): Promise<Link | undefined> {
  const result = await trx
    .updateTable('links')
    .set({ ...credentials, updatedAt: now })
    .where('id', '=', linkId)
    .where('scopeId', 'is not', null)
    .where('pending', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? findLinkById(trx, linkId) : undefined;
}

function inTransaction<T>(db: Kysely<Database>, run: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** What an unlink may do beside it, in its own transaction. */
export interface UnlinkOptions {
  /**
   * Jobs to queue for the link just unlinked, committed with the unlink or not at all: the deletion of its amoCRM
   * source, which a crash between the two would otherwise leave at amoCRM, holding one of the account's 100.
   */
  jobs?: (unlinked: Link) => readonly NewOutboxJob[];
}

/**
 * Unlinks an account's PRIMARY link: forgets its scope and purges every credential and the webhook URL. The account
 * keeps its amojo id binding, its other links and its conversations, so a later re-link continues where it stopped.
 * The link's delivery breaker goes in the same transaction: it was counted against a webhook the link no longer has.
 */
export async function unlinkAccount(
  db: Kysely<Database>,
  accountId: number,
  now: number,
  options: UnlinkOptions = {},
): Promise<Link | undefined> {
  return inTransaction(db, async (trx) => {
    const id = await primaryLinkId(trx, accountId, true);
    return id === undefined ? undefined : unlinkInTransaction(trx, id, now, options);
  });
}

/** Unlinks one live link (pending ones included), as unlinkAccount does; undefined when it is not live. */
export async function unlinkLinkById(
  db: Kysely<Database>,
  linkId: string,
  now: number,
  options: UnlinkOptions = {},
): Promise<Link | undefined> {
  return inTransaction(db, (trx) => unlinkInTransaction(trx, linkId, now, options));
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

async function unlinkInTransaction(
  trx: Kysely<Database>,
  linkId: string,
  now: number,
  options: UnlinkOptions,
): Promise<Link | undefined> {
  const result = await trx
    .updateTable('links')
    .set(unlinkedColumns(now))
    .where('id', '=', linkId)
    .where('scopeId', 'is not', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  await resetDeliveryBreaker(trx, linkId, null, now);
  const unlinked = await findLinkById(trx, linkId);
  if (unlinked === undefined) return undefined;
  for (const job of options.jobs?.(unlinked) ?? []) await enqueue(trx, job, now);
  return unlinked;
}

/** What a source sync read of its link: the columns its outcome is about. */
export type LinkSourceBasis = Pick<Link, 'title' | 'pipelineId' | 'scopeId'>;

/**
 * Records what the source sync learnt: amoCRM's source id (null once deleted), its state and amoCRM's refusal. With
 * `basis` (the link as the sync read it) the state is written only while the link still has that title, pipeline and
 * scope: a change that landed during the sync put the source back to `pending` and queued a sync of its own, and a
 * `synced` for the old settings would hide it. The source id is written either way, since it stays true of the link.
 */
export async function setLinkSource(
  db: Kysely<Database>,
  linkId: string,
  source: { sourceId: number | null; sourceState: LinkSourceState; sourceError: string | null },
  now: number,
  basis?: LinkSourceBasis,
): Promise<void> {
  if (basis === undefined) {
    await db
      .updateTable('links')
      .set({ ...source, updatedAt: now })
      .where('id', '=', linkId)
      .execute();
    return;
  }
  const result = await db
    .updateTable('links')
    .set({ ...source, updatedAt: now })
    .where('id', '=', linkId)
    .where('title', '=', basis.title)
    .where((eb) => (basis.pipelineId === null ? eb('pipelineId', 'is', null) : eb('pipelineId', '=', basis.pipelineId)))
    .where((eb) => (basis.scopeId === null ? eb('scopeId', 'is', null) : eb('scopeId', '=', basis.scopeId)))
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return;
  await db.updateTable('links').set({ sourceId: source.sourceId, updatedAt: now }).where('id', '=', linkId).execute();
}

/**
 * Unparked links whose source needs a sync and has no sync job waiting (pending or leased), at most `limit`: live
 * links whose source is still `pending` (links that predate sources, migration 0010, and any whose queued sync was
 * lost), and unlinked links whose source is still at amoCRM (a deletion that was lost or gave up), which would hold
 * one of the account's 100 sources for good. For the backend's startup sweep. Parked links wait: their sync could only
 * park, and the install that unparks them queues it.
 */
export async function listLinksNeedingSourceSync(db: Kysely<Database>, limit: number): Promise<Link[]> {
  const prefix = sourceOrderingKey('');
  const rows = await linkQuery(db)
    .where('links.parkedAt', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('links.scopeId', 'is not', null), eb('links.sourceState', '=', 'pending')]),
        eb.and([eb('links.scopeId', 'is', null), eb('links.sourceId', 'is not', null)]),
      ]),
    )
    // Spelt as the ordering index's own predicate, so both dialects probe it per link.
    .where(
      sql<boolean>`not exists (select 1 from outbox o where o.ordering_key = ${prefix} || links.id
        and o.status in ('pending', 'leased') and o.ordering_key is not null)`,
    )
    .limit(limit)
    .execute();
  return rows.map(toLink);
}

/**
 * Parks (the installation was removed) or unparks (it is back) ALL the account's links; parking keeps the first time
 * each was parked. Returns the PRIMARY link, undefined when the account has none. The caller parks or unparks each
 * link's jobs beside it.
 */
export async function setLinkParked(
  db: Kysely<Database>,
  accountId: number,
  parked: boolean,
  now: number,
): Promise<Link | undefined> {
  return (await setAccountLinksParked(db, accountId, parked, now))[0];
}

/** setLinkParked, returning every link of the account, primary first. */
export async function setAccountLinksParked(
  db: Kysely<Database>,
  accountId: number,
  parked: boolean,
  now: number,
): Promise<Link[]> {
  const result = await db
    .updateTable('links')
    .set({ parkedAt: parked ? sql<number>`coalesce(parked_at, ${now})` : null, updatedAt: now })
    .where('accountId', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? listAccountLinks(db, accountId) : [];
}

/**
 * The account's links, primary first: live ones (with a scope, pending included) by (created_at, id), then, unless
 * `liveOnly`, the unlinked ones in the same order.
 */
export async function listAccountLinks(
  db: Kysely<Database>,
  accountId: number,
  options: { liveOnly?: boolean } = {},
): Promise<Link[]> {
  const rows = await linkQuery(db)
    .where('links.accountId', '=', accountId)
    .$if(options.liveOnly === true, (q) => q.where('links.scopeId', 'is not', null))
    .execute();
  return rows.map(toLink);
}

/**
 * listAccountLinks of the account that owns `linkId`, in one query: for a caller that knows only the link and needs its
 * siblings too (the relay's amojo connect, which must carry the settings of the whole scope).
 */
export async function listAccountLinksOf(
  db: Kysely<Database>,
  linkId: string,
  options: { liveOnly?: boolean } = {},
): Promise<Link[]> {
  const rows = await linkQuery(db)
    .where('links.accountId', '=', (eb) =>
      eb.selectFrom('links as own').select('own.accountId').where('own.id', '=', linkId),
    )
    .$if(options.liveOnly === true, (q) => q.where('links.scopeId', 'is not', null))
    .execute();
  return rows.map(toLink);
}

/** How many live links (with a scope, pending included) the account runs: what maxLinksPerAccount caps. */
export async function countLiveLinks(db: Kysely<Database>, accountId: number): Promise<number> {
  const row = await db
    .selectFrom('links')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('accountId', '=', accountId)
    .where('scopeId', 'is not', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Every live link of the scope (all of one account), pending ones included, primary first. */
export async function findLinksByScopeId(db: Kysely<Database>, scopeId: string): Promise<Link[]> {
  const rows = await linkQuery(db).where('links.scopeId', '=', scopeId).execute();
  return rows.map(toLink);
}

export const findLinkById = (db: Kysely<Database>, id: string) => findLinkWhere(db, 'links.id', id);
/** The account's PRIMARY link: its oldest live link, else its oldest link. */
export const findLinkByAccountId = (db: Kysely<Database>, accountId: number) =>
  findLinkWhere(db, 'links.accountId', accountId);
/** The PRIMARY link of the account bound to this amojo id. */
export const findLinkByAmojoId = (db: Kysely<Database>, amojoId: string) =>
  findLinkWhere(db, 'accounts.amojoId', normalizeAmojoId(amojoId));
/**
 * Only live links have a scope id, so this finds only live links, pending ones included: their hooks are accepted,
 * since amojo may send them before its connect has answered us. All live links of an account share its scope; this
 * is the PRIMARY one (findLinksByScopeId returns them all).
 */
export const findLinkByScopeId = (db: Kysely<Database>, scopeId: string) => findLinkWhere(db, 'links.scopeId', scopeId);
/** The bridge key is high-entropy and random, so its hash is a safe lookup key; see secret-box.ts. */
export const findLinkByKeyHash = (db: Kysely<Database>, bridgeKeyHash: string) =>
  findLinkWhere(db, 'links.bridgeKeyHash', bridgeKeyHash);

/**
 * Every linked account's scope (it has a live link), for reconnecting them where amojo forgot them (the sandbox): one
 * entry per account, as amojo's connect takes it, with the PRIMARY link's title, and the time window disabled when
 * any live link disables it.
 */
export async function findLinkedScopes(
  db: Kysely<Database>,
): Promise<{ amojoId: string; title: string; timeWindowDisabled: boolean }[]> {
  const rows = await linkQuery(db).where('links.scopeId', 'is not', null).execute();
  const scopes = new Map<string, { amojoId: string; title: string; timeWindowDisabled: boolean }>();
  for (const row of rows) {
    const seen = scopes.get(row.amojoId);
    if (seen) seen.timeWindowDisabled ||= row.timeWindowDisabled === 1;
    else
      scopes.set(row.amojoId, {
        amojoId: row.amojoId,
        title: row.title,
        timeWindowDisabled: row.timeWindowDisabled === 1,
      });
  }
  return [...scopes.values()];
}

/** The id of the account's PRIMARY link (live only: its oldest live link). */
async function primaryLinkId(trx: Kysely<Database>, accountId: number, liveOnly: boolean): Promise<string | undefined> {
  const row = await trx
    .selectFrom('links')
    .select('id')
    .where('accountId', '=', accountId)
    .$if(liveOnly, (q) => q.where('scopeId', 'is not', null))
    .orderBy(primaryLinkOrder)
    .orderBy('createdAt')
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

type LinkLookup = 'links.id' | 'links.accountId' | 'accounts.amojoId' | 'links.scopeId' | 'links.bridgeKeyHash';

function linkQuery(db: Kysely<Database>) {
  return db
    .selectFrom('links')
    .innerJoin('accounts', 'accounts.accountId', 'links.accountId')
    .selectAll('links')
    .select(['accounts.subdomain', 'accounts.region', 'accounts.amojoId'])
    .orderBy(primaryLinkOrder)
    .orderBy('links.createdAt')
    .orderBy('links.id');
}

type LinkQueryRow = Awaited<ReturnType<ReturnType<typeof linkQuery>['executeTakeFirstOrThrow']>>;

function toLink(row: LinkQueryRow): Link {
  return {
    ...row,
    timeWindowDisabled: row.timeWindowDisabled === 1,
    pending: row.pending === 1,
    pipelineId: row.pipelineId === null ? null : Number(row.pipelineId),
    sourceId: row.sourceId === null ? null : Number(row.sourceId),
  };
}

async function findLinkWhere(
  db: Kysely<Database>,
  column: LinkLookup,
  value: string | number,
): Promise<Link | undefined> {
  const row = await linkQuery(db).where(column, '=', value).executeTakeFirst();
  return row ? toLink(row) : undefined;
}
