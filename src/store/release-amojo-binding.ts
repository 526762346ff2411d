import type { Kysely } from 'kysely';
import { sourceSyncJob } from '../jobs/amocrm-jobs';
import { resetDeliveryBreaker } from './delivery-breaker-repo';
import { dialectOf } from './dialect-of';
import type { InstallationState } from './installations-repo';
import { releasedAmojoId, unlinkedColumns } from './links-repo';
import { normalizeAmojoId } from './normalize-amojo-id';
import { enqueue } from './outbox-repo';
import { primaryLinkOrder } from './primary-link-order';
import type { Database } from './schema';

export type AmojoRelease =
  /** No account is bound to this amojo id. */
  | { ok: false; reason: 'not_bound'; amojoId: string }
  /** The bound account's own active installation proves this amojo id: the binding is genuine. */
  | { ok: false; reason: 'proven'; amojoId: string; accountId: number; subdomain: string }
  | {
      ok: true;
      /** false for a dry run: nothing was written. */
      applied: boolean;
      amojoId: string;
      accountId: number;
      subdomain: string;
      /** What the account's `amojo_id` now holds (or would hold). */
      releasedAs: string;
      /** The account's installation, or `none`, and the amojo id it proves. */
      installation: { state: InstallationState | 'none'; amojoId: string | null };
      /**
       * The account's PRIMARY link; `purged` when any of the account's links still held a scope or credentials, which
       * are gone (or would go) from every one of them.
       */
      link: { id: string; purged: boolean } | null;
      /** How many of the account's links were (or would be) purged. */
      purgedLinks: number;
      /** Other accounts whose installation proves this amojo id: the ones that may link it once it is free. */
      claimants: number[];
    };

/**
 * Frees an amojo id held by a stale binding (one the link API accepted from a request body before installations proved
 * amojo ids), so the account amoCRM reports it for can link it. Refused when the bound account's own active
 * installation proves the same id. In one transaction every link of the bound account is unlinked like `unlinkLinkById`
 * (scope, webhook URL and credentials purged, whatever state the link was in) and its `amojo_id` becomes a released
 * value, and the deletion of their amoCRM sources is queued. The account and link rows stay, so the conversations and
 * jobs that reference them stay valid. amojo is not called: the scope id is the channel's and the amojo id's, so the
 * rightful account's connect takes the same scope over. With `dryRun` the same checks run and nothing is written.
 */
export async function releaseAmojoBinding(
  db: Kysely<Database>,
  amojoId: string,
  now: number,
  options: { dryRun?: boolean } = {},
): Promise<AmojoRelease> {
  const wanted = normalizeAmojoId(amojoId);
  return db.transaction().execute(async (trx) => {
    // On PostgreSQL the row is locked so a concurrent link of this account commits before or after the release,
    // never in between; SQLite's write transaction (BEGIN IMMEDIATE) already serialises writers.
    const account = await trx
      .selectFrom('accounts')
      .select(['accountId', 'subdomain'])
      .where('amojoId', '=', wanted)
      .$if(dialectOf(trx) === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    if (!account) return { ok: false, reason: 'not_bound', amojoId: wanted };
    const accountId = Number(account.accountId);

    const installation = await trx
      .selectFrom('installations')
      .select(['state', 'amojoId'])
      .where('accountId', '=', accountId)
      .executeTakeFirst();
    if (installation?.state === 'active' && installation.amojoId === wanted) {
      return { ok: false, reason: 'proven', amojoId: wanted, accountId, subdomain: account.subdomain };
    }
    const claimants = await trx
      .selectFrom('installations')
      .select('accountId')
      .where('amojoId', '=', wanted)
      .where('accountId', '<>', accountId)
      .orderBy('accountId')
      .execute();
    // Every link of the account, primary first (the order links-repo calls primary).
    const links = await trx
      .selectFrom('links')
      .select(['id', 'scopeId', 'webhookUrl', 'bridgeKeyHash', 'signingSecretEnc', 'pending', 'sourceId'])
      .where('accountId', '=', accountId)
      .orderBy(primaryLinkOrder)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    const toPurge = links.filter(
      (link) =>
        link.scopeId !== null ||
        link.webhookUrl !== null ||
        link.bridgeKeyHash !== null ||
        link.signingSecretEnc !== null ||
        link.pending === 1,
    );
    const link = links[0];
    const releasedAs = releasedAmojoId(accountId, wanted);

    if (!options.dryRun) {
      for (const purged of toPurge) {
        await trx.updateTable('links').set(unlinkedColumns(now)).where('id', '=', purged.id).execute();
        // As after any unlink: its breaker goes, with the deliveries it held.
        await resetDeliveryBreaker(trx, purged.id, null, now);
      }
      // As after any unlink, the sources of the links that held a scope (or still have one at amoCRM) are deleted,
      // queued in this transaction so none is left holding one of the account's 100 sources. The sync finds a source
      // whose id was never stored by its external_id.
      for (const synced of links.filter((row) => row.scopeId !== null || row.sourceId !== null)) {
        await enqueue(trx, sourceSyncJob(synced.id, now), now);
      }
      const updated = await trx
        .updateTable('accounts')
        .set({ amojoId: releasedAs, updatedAt: now })
        .where('accountId', '=', accountId)
        .where('amojoId', '=', wanted)
        .executeTakeFirst();
      // Only a concurrent writer that ignored the lock could get here; roll back rather than report a release.
      if (updated.numUpdatedRows !== 1n) throw new Error(`the binding of ${wanted} changed during the release`);
    }
    return {
      ok: true,
      applied: !options.dryRun,
      amojoId: wanted,
      accountId,
      subdomain: account.subdomain,
      releasedAs,
      installation: installation
        ? { state: installation.state, amojoId: installation.amojoId }
        : { state: 'none', amojoId: null },
      link: link ? { id: link.id, purged: toPurge.length > 0 } : null,
      purgedLinks: toPurge.length,
      claimants: claimants.map((row) => Number(row.accountId)),
    };
  });
}
