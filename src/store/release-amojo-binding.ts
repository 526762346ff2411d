import type { Kysely } from 'kysely';
import { resetDeliveryBreaker } from './delivery-breaker-repo';
import { dialectOf } from './dialect-of';
import type { InstallationState } from './installations-repo';
import { releasedAmojoId, unlinkedColumns } from './links-repo';
import { normalizeAmojoId } from './normalize-amojo-id';
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
      /** The account's link; `purged` when it still held a scope or credentials, which are gone (or would go). */
      link: { id: string; purged: boolean } | null;
      /** Other accounts whose installation proves this amojo id: the ones that may link it once it is free. */
      claimants: number[];
    };

/**
 * Frees an amojo id held by a stale binding (one the link API accepted from a request body before installations
 * proved amojo ids), so the account amoCRM reports it for can link it. Refused when the bound account's own active
 * installation proves the same id. In one transaction the bound account is unlinked like `unlinkAccount` (scope,
 * webhook URL and credentials purged, whatever state the link was in) and its `amojo_id` becomes a released value.
 * The account and link rows stay, so the conversations and jobs that reference them stay valid. amojo is not called:
 * the scope id is the channel's and the amojo id's, so the rightful account's connect takes the same scope over.
 * With `dryRun` the same checks run and nothing is written.
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
    const link = await trx
      .selectFrom('links')
      .select(['id', 'scopeId', 'webhookUrl', 'bridgeKeyHash', 'signingSecretEnc', 'pending'])
      .where('accountId', '=', accountId)
      .executeTakeFirst();
    const purge =
      link !== undefined &&
      (link.scopeId !== null ||
        link.webhookUrl !== null ||
        link.bridgeKeyHash !== null ||
        link.signingSecretEnc !== null ||
        link.pending === 1);
    const releasedAs = releasedAmojoId(accountId, wanted);

    if (!options.dryRun) {
      if (link && purge) {
        await trx.updateTable('links').set(unlinkedColumns(now)).where('id', '=', link.id).execute();
        // As after any unlink: its breaker goes, with the deliveries it held.
        await resetDeliveryBreaker(trx, link.id, null, now);
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
      link: link ? { id: link.id, purged: purge } : null,
      claimants: claimants.map((row) => Number(row.accountId)),
    };
  });
}
